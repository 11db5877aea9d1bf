def headers(session_id):
    return {"X-Session-Id": session_id, "kind": "session"}
