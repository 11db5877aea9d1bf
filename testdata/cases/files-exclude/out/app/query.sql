select * from traces;
