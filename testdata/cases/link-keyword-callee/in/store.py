def save_session(session_id, customer=None):
    return {"id": session_id, "customer": customer}
