def fetch(supabase, session_id):
    return supabase.table("sessions").select("session_id").eq("session_id", session_id).execute()
