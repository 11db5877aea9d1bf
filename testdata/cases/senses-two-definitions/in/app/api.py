from app.session import Session


def start(run: str) -> Session:
    return Session(run)


def end(current: Session) -> None:
    # End the session.
    current.end()
