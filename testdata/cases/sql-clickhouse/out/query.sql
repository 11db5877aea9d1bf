SELECT trace_id, count() AS events
FROM otel.traces
WHERE trace_id = {traceId:String}
GROUP BY trace_id
SETTINGS max_threads = 2;
