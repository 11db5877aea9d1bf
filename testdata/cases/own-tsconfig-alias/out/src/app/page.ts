import { getTraces, type ITrace } from "@/lib/traces";
import { type Session as AuthSession } from "@supabase/supabase-js";

export default async function Page(auth: AuthSession): Promise<ITrace[]> {
  return getTraces();
}
