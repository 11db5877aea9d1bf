/* seed one trace */
insert into traces (trace_id, label) values ('s1', 'first session'); -- a trace row
