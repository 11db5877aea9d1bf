def describe(trace_id, trace):
    return f"session {trace_id} has {len(trace.events)} events"
