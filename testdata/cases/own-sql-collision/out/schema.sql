create table traces (id uuid primary key);
create table sessions (id uuid primary key, trace_id uuid references traces (id));
create index traces_trace_idx on sessions (trace_id);
