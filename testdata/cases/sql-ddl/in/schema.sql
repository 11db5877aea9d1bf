-- Sessions and their stats.
create table public.sessions (
  id uuid primary key,
  session_id text not null,
  user_id uuid references users (id),
  constraint sessions_user_fk foreign key (user_id) references users (id)
);
create index sessions_user_idx on public.sessions (session_id);
alter table sessions add column session_name text;
