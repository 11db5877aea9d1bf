from app.trace import Trace


def start(run: str) -> Trace:
    return Trace(run)


def end(current: Trace) -> None:
    # End the trace.
    current.end()
