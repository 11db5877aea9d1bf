import { createClient } from "@supabase/supabase-js";

const supabase = createClient("url", "key");

export async function loadAll(userId: string) {
  const { data: sessions } = await supabase.from("sessions").select("session_id, user_id").eq("user_id", userId);
  const { data: { session } } = await supabase.auth.getSession();
  return { sessions, session };
}
