create or replace function close_trace(p_trace_id uuid) returns void as $$
begin
  update traces set ended_at = now() where trace_id = p_trace_id;
end;
$$ language plpgsql;
