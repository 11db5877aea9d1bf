from app.session_types import SessionKind


def web_sessions(sessions):
    return [s for s in sessions if s.kind == SessionKind.WEB]
