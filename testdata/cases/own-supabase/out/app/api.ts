import { createClient } from "@supabase/supabase-js";

const supabase = createClient("url", "key");

export async function loadAll(userId: string) {
  const { data: traces } = await supabase.from("traces").select("trace_id, user_id").eq("user_id", userId);
  const { data: { session } } = await supabase.auth.getSession();
  const { data: count } = await supabase.rpc("count_traces", { user_id: userId });
  return { traces, session, count };
}
