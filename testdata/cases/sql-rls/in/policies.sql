alter table public.sessions enable row level security;
create policy "Users can view own sessions" on public.sessions
  for select using (auth.uid() = user_id);
