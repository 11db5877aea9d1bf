CREATE TABLE traces (trace_id text PRIMARY KEY, owner_id text);
