import { createClient } from '@supabase/supabase-js';
import { TraceCard } from './components/TraceCard';

const supabase = createClient('https://example.supabase.co', 'anon-key');

/**
 * Reads the current trace with `supabase.auth.getSession()` and hands it
 * to a {@link TraceCard} for display.
 */
export async function currentTrace() {
  const { data } = await supabase.auth.getSession();
  return { data, card: TraceCard };
}
