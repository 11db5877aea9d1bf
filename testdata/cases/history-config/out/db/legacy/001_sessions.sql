CREATE TABLE sessions (session_id text PRIMARY KEY);
