from sqlalchemy.orm import Session, sessionmaker

TraceLocal = sessionmaker()


def with_db(orm: Session) -> Session:
    trace: Session = TraceLocal()
    return trace
