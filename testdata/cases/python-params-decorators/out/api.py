@with_trace
def load(trace, *, trace_id=None, **trace_opts):
    return fetch(session=trace, session_id=trace_id)


class TraceManager:
    def __init__(self, trace):
        self.trace = trace
        self._traces = {}
