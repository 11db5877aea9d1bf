from typing import Generator

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

engine = create_engine("sqlite://")
SessionLocal = sessionmaker(bind=engine)


def get_orm_session() -> Generator[Session, None, None]:
    with Session(engine) as session:
        yield session


def save_session(orm_session: Session, session_id: str) -> None:
    orm_session.add(session_id)
