def load(cur, trace_id):
    cur.execute("SELECT trace_id, user_id FROM traces WHERE trace_id = %s", (trace_id,))
    cur.execute(f"DELETE FROM traces WHERE trace_id = '{trace_id}'")
    return "Delete the session?"
