from app.db import save_trace


def test_save(orm_session, trace_id):
    save_trace(orm_session, trace_id)
    assert orm_session is not None
