/* seed one session */
insert into sessions (session_id, label) values ('s1', 'first session'); -- a session row
