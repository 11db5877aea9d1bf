session = 1  # retrace: keep
# retrace: keep
SESSION_COOKIE = "session"
session_id = 2
