def emit(name, **fields):
    """Send an event; its fields go on the wire as they are named."""
    return {"name": name, **fields}


def start(session_id):
    return emit("start", session_id=session_id)
