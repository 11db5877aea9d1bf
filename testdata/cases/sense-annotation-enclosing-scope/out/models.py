class TraceRecord:
    user = None
