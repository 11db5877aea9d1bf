session_id = 1
