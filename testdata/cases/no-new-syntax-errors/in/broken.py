def ok(session):
    return session
