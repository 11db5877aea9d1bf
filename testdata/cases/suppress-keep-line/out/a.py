session = 1  # retrace: keep
# retrace: keep
SESSION_COOKIE = "session"
trace_id = 2
