from sqlalchemy.orm import Session, sessionmaker

SessionLocal = sessionmaker()


def with_db(orm: Session) -> Session:
    session: Session = SessionLocal()
    return session
