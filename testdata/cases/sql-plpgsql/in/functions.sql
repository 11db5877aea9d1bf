create or replace function close_session(p_session_id uuid) returns void as $$
begin
  update sessions set ended_at = now() where session_id = p_session_id;
end;
$$ language plpgsql;
