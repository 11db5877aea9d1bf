class Session:
    session_id = None


def end_session(obj):
    if hasattr(obj, "session_id"):
        return getattr(obj, "session_id")
    return None
