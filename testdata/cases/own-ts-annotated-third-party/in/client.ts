import { createClient, type SupabaseClientOptions } from '@supabase/supabase-js';

export function make(options?: SupabaseClientOptions<'public'>) {
  return createClient('url', 'key', {
    auth: {
      persistSession: options?.auth?.persistSession ?? true,
      detectSessionInUrl: false,
    },
  });
}

export function makeWith(options?: SupabaseClientOptions<'public'> & { isSingleton?: boolean }) {
  return options?.auth?.detectSessionInUrl;
}
