class SessionRecord:
    user = None
