span_id = 1
