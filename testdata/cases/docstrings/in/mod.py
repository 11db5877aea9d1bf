"""Sessions record what an agent did."""


def end(session):
    """End a session and flush its events.

    Args:
        session: the Session to end.
    """
    # the session is closed here
    session.close()
