-- Traces and their stats.
create table public.traces (
  id uuid primary key,
  trace_id text not null,
  user_id uuid references users (id),
  constraint traces_user_fk foreign key (user_id) references users (id)
);
create index traces_user_idx on public.traces (trace_id);
alter table traces add column trace_name text;
