alter table public.traces enable row level security;
create policy "Users can view own traces" on public.traces
  for select using (auth.uid() = user_id);
