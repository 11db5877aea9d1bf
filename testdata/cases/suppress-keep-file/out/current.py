trace_id = 1
