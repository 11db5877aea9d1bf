class Event:
    def __init__(self, session_id: str):
        self.session_id = session_id
