def get_orm_session():
    orm_session = make()
    trace = orm_session
    return trace
