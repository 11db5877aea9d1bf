-- The product's schema, in the style of a Supabase project: organisations,
-- their members (Supabase's auth.users), and the sessions they record.
CREATE TABLE public.orgs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL
);

CREATE TABLE public.user_orgs (
  user_id uuid NOT NULL REFERENCES auth.users (id),
  org_id uuid NOT NULL REFERENCES public.orgs (id),
  PRIMARY KEY (user_id, org_id)
);

CREATE TABLE public.sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES public.orgs (id) ON DELETE CASCADE,
  session_name text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sessions_name_length CHECK (char_length(session_name) < 200)
);

CREATE INDEX sessions_org_id_idx ON public.sessions (org_id);

CREATE TABLE public.stats (
  session_id uuid PRIMARY KEY REFERENCES public.sessions (id) ON DELETE CASCADE,
  events integer NOT NULL DEFAULT 0
);

-- OpenTelemetry spans have a trace_id of their own: their session_id stays.
CREATE TABLE public.spans (
  span_id text PRIMARY KEY,
  trace_id text NOT NULL,
  session_id uuid REFERENCES public.sessions (id)
);

ALTER TABLE public.user_orgs ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_memberships ON public.user_orgs FOR SELECT TO authenticated
  USING (user_id = auth.uid());

ALTER TABLE public.sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY "sessions of the user's orgs" ON public.sessions FOR ALL TO authenticated
  USING (org_id IN (SELECT org_id FROM public.user_orgs WHERE user_id = auth.uid()))
  WITH CHECK (org_id IN (SELECT org_id FROM public.user_orgs WHERE user_id = auth.uid()));

GRANT SELECT ON public.user_orgs TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.sessions TO authenticated;
GRANT SELECT, INSERT ON public.stats TO authenticated;
