def headers(trace_id):
    return {"X-Session-Id": trace_id, "kind": "session"}
