import { createClient } from '@supabase/supabase-js';
import { SessionCard } from './components/SessionCard';

const supabase = createClient('https://example.supabase.co', 'anon-key');

/**
 * Reads the current session with `supabase.auth.getSession()` and hands it
 * to a {@link SessionCard} for display.
 */
export async function currentSession() {
  const { data } = await supabase.auth.getSession();
  return { data, card: SessionCard };
}
