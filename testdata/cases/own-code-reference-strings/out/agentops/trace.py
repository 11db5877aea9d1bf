class Trace:
    trace_id = None


def end_trace(obj):
    if hasattr(obj, "trace_id"):
        return getattr(obj, "trace_id")
    return None
