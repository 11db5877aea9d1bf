from agentops.session import Session
from sqlalchemy.orm import Session as DbSession


def start() -> Session:
    return Session()


def store(db: DbSession):
    db.commit()
