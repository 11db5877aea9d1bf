from app.db import save_session


def test_save(orm_session, session_id):
    save_session(orm_session, session_id)
    assert orm_session is not None
