import { createClient } from "@supabase/supabase-js";

const supabase = createClient("url", "key");

export async function listTraces(userId: string) {
  const { data } = await supabase.from("traces").select("trace_id, started_at").eq("user_id", userId);
  return data;
}
