def describe(session_id, session):
    return f"session {session_id} has {len(session.events)} events"
