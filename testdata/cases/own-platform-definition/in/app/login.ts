import { useSession as useAuthSession } from 'next-auth/react';
import { supabase } from '../lib/supabase';

export async function refresh(token: string) {
  await supabase.auth.setSession({ access_token: token, refresh_token: token });
  return [useAuthSession, sessionStorage.getItem('token')];
}
