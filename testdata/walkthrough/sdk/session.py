"""A recorded agent session: what the SDK sends to the dashboard."""

import requests


class Session:
    def __init__(self, session_id: str):
        self.session_id = session_id
        self.http = requests.Session()

    def to_json(self) -> dict:
        # The dashboard's API still reads this key.
        return {"session_id": self.session_id}


def start_session(session_id: str) -> Session:
    return Session(session_id)
