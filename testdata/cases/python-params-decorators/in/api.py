@with_session
def load(session, *, session_id=None, **session_opts):
    return fetch(session=session, session_id=session_id)


class SessionManager:
    def __init__(self, session):
        self.session = session
        self._sessions = {}
