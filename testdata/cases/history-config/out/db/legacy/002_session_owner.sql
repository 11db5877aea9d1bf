ALTER TABLE sessions ADD COLUMN owner_id text;
