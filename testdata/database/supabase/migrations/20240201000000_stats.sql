-- Every new session gets its stats row.
CREATE FUNCTION public.create_session_stats() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.stats (session_id) VALUES (NEW.id);
  RETURN NEW;
END;
$$;

CREATE TRIGGER on_session_created AFTER INSERT ON public.sessions
  FOR EACH ROW EXECUTE FUNCTION public.create_session_stats();

CREATE VIEW public.session_summaries AS
  SELECT s.id AS session_id, s.session_name, st.events
  FROM public.sessions s JOIN public.stats st ON st.session_id = s.id;

CREATE MATERIALIZED VIEW public.daily_sessions AS
  SELECT date_trunc('day', created_at) AS day, count(*) AS sessions
  FROM public.sessions GROUP BY 1;

CREATE FUNCTION public.count_sessions(p_org uuid) RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT count(*) FROM public.sessions WHERE org_id = p_org $$;

CREATE SEQUENCE public.session_number_seq;
