-- Sessions of the app's users.
CREATE TABLE public.sessions (
  session_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sessions_user_id_idx ON public.sessions (user_id);
