"""The product's session: one run of an agent."""


class Session:
    def __init__(self, session_id: str):
        self.session_id = session_id

    def end(self) -> None:
        print("session ended")
