from agentops.session import Trace
from sqlalchemy.orm import Session as DbSession


def start() -> Trace:
    return Trace()


def store(db: DbSession):
    db.commit()
