import json

from pydantic import BaseModel


class Event:
    def __init__(self, trace_id, kind):
        self.session_id = trace_id
        self.kind = kind

    def to_json(self):
        return json.dumps(self.__dict__)


class TraceStats(BaseModel):
    session_id: str
    count: int = 0


def describe(event, trace_id):
    stats = TraceStats(session_id=trace_id)
    return event.session_id, stats.session_id
