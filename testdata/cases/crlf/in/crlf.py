def end(session):
    # close the session
    return session
