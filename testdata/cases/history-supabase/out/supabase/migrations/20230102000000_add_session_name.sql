ALTER TABLE public.sessions ADD COLUMN session_name text;
