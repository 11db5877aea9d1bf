SELECT session_id, count() AS events
FROM otel.sessions
WHERE session_id = {sessionId:String}
GROUP BY session_id
SETTINGS max_threads = 2;
