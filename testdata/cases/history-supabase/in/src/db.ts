import { createClient } from "@supabase/supabase-js";

const supabase = createClient("url", "key");

export async function listSessions(userId: string) {
  const { data } = await supabase.from("sessions").select("session_id, started_at").eq("user_id", userId);
  return data;
}
