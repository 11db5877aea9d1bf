import { createClient } from "@supabase/supabase-js";

const supabase = createClient("url", "key");

export async function loadAll(userId: string) {
  const { data: sessions } = await supabase.from("sessions").select("session_id, user_id").eq("user_id", userId);
  const { data: { session } } = await supabase.auth.getSession();
  const { data: count } = await supabase.rpc("count_sessions", { user_id: userId });
  return { sessions, session, count };
}
