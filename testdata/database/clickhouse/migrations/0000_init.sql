-- The dashboard's analytics, in ClickHouse: sessions, their events, and
-- counts kept by materialized views.
CREATE DATABASE IF NOT EXISTS app;

CREATE TABLE app.sessions (
  `session_id` String,
  project_id String,
  started_at DateTime,
  session_name String
) ENGINE = MergeTree ORDER BY (project_id, session_id);

CREATE TABLE app.session_events (
  session_id String,
  ts DateTime,
  kind String
) ENGINE = MergeTree ORDER BY ts;
