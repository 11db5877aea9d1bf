select * from sessions;
