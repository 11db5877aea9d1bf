create table sessions (id int);
