"""The product's trace: one run of an agent."""


class Trace:
    def __init__(self, trace_id: str):
        self.trace_id = trace_id

    def end(self) -> None:
        print("session ended")
