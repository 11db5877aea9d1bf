import { createClient } from '@supabase/supabase-js';
import type { Database } from '../types/supabase';

const supabase = createClient<Database>('url', 'key');

export async function listSessions(orgId: string) {
  const { data } = await supabase.from('sessions').select('id, session_name, created_at').eq('org_id', orgId);
  const { data: count } = await supabase.rpc('count_sessions', { p_org: orgId });
  const { data: stats } = await supabase.from('stats').select('session_id, events');
  return { data, count, stats };
}
