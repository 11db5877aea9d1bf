class Event:
    def __init__(self, trace_id: str):
        self.session_id = trace_id
