def load(cur, session_id):
    cur.execute("SELECT session_id, user_id FROM sessions WHERE session_id = %s", (session_id,))
    cur.execute(f"DELETE FROM sessions WHERE session_id = '{session_id}'")
    return "Delete the session?"
