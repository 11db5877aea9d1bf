from typing import Generator

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

engine = create_engine("sqlite://")
SessionLocal = sessionmaker(bind=engine)


def get_orm_session() -> Generator[Session, None, None]:
    with Session(engine) as session:
        yield session


def save_trace(orm_session: Session, trace_id: str) -> None:
    orm_session.add(trace_id)
