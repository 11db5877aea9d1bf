def get_orm_session():
    orm_session = make()
    session = orm_session
    return session
