def headers(trace_id):
    return {"X-Trace-Id": trace_id, "kind": "trace"}
