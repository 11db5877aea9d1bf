def save_trace(trace_id, customer=None):
    return {"id": trace_id, "customer": customer}
