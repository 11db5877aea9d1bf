def fetch(supabase, session_id):
    return supabase.table("sessions").select("session_id").eq("session_id", session_id).execute()


def count(supabase):
    return supabase.rpc("count_sessions").execute()
