import json
from dataclasses import dataclass
from typing import Optional, Union

from pydantic import BaseModel


class Event:
    def __init__(self, trace_id, kind):
        self.session_id = trace_id
        self.kind = kind

    def to_json(self):
        return json.dumps(self.__dict__)

    def __getstate__(self):
        return self.__dict__.copy()


class TraceStats(BaseModel):
    session_id: str
    count: int = 0


@dataclass
class Action:
    action_session: Optional[str] = None


@dataclass
class ToolAction(Action):
    tool_session: str = ""


class Recorder:
    def record(self, action: Union[Action, None]):
        return json.dumps(action.__dict__)


class Cache:
    def __init__(self, trace_key):
        self.trace_key = trace_key

    def __getstate__(self):
        return self.__dict__.copy()


def describe(event, trace_id):
    stats = TraceStats(session_id=trace_id)
    return event.session_id, stats.session_id, Cache(trace_key=trace_id).trace_key
