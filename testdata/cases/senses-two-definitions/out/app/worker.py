from app.trace import Trace


def resume(current: Trace) -> Trace:
    return Trace(current.trace_id)
