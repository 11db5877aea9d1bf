from agentops.trace import Trace
from sqlalchemy.orm import Session as DbSession


def start() -> Trace:
    return Trace()


def store(db: DbSession):
    db.commit()
