from app.session import Session


def resume(current: Session) -> Session:
    return Session(current.session_id)
