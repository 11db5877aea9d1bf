def fetch(supabase, trace_id):
    return supabase.table("traces").select("trace_id").eq("trace_id", trace_id).execute()


def count(supabase):
    return supabase.rpc("count_traces").execute()
