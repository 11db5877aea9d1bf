import { createClient, type SupabaseClientOptions } from '@supabase/supabase-js';

export function make(options?: SupabaseClientOptions<'public'>) {
  return createClient('url', 'key', {
    auth: {
      persistSession: options?.auth?.persistSession ?? true,
      detectSessionInUrl: false,
    },
  });
}
