import json

from pydantic import BaseModel


class Event:
    def __init__(self, session_id, kind):
        self.session_id = session_id
        self.kind = kind

    def to_json(self):
        return json.dumps(self.__dict__)


class SessionStats(BaseModel):
    session_id: str
    count: int = 0


def describe(event, session_id):
    stats = SessionStats(session_id=session_id)
    return event.session_id, stats.session_id
