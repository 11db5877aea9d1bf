CREATE TABLE app.session_counts (
  project_id String,
  sessions UInt64
) ENGINE = SummingMergeTree ORDER BY project_id;

CREATE MATERIALIZED VIEW app.session_counts_mv TO app.session_counts AS
  SELECT project_id, count() AS sessions FROM app.sessions GROUP BY project_id;

CREATE VIEW app.recent_sessions AS
  SELECT session_id, session_name FROM app.sessions WHERE started_at > now() - INTERVAL 1 DAY;

CREATE MATERIALIZED VIEW app.daily_sessions ENGINE = SummingMergeTree ORDER BY day AS
  SELECT toDate(started_at) AS day, count() AS n FROM app.sessions GROUP BY day;

CREATE DICTIONARY app.session_names (session_id String, session_name String)
  PRIMARY KEY session_id
  SOURCE(CLICKHOUSE(TABLE 'sessions' DB 'app'))
  LAYOUT(COMPLEX_KEY_HASHED()) LIFETIME(0);

CREATE FUNCTION session_label AS (name) -> concat('session: ', name);
