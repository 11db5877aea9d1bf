from app import db


def run_job(trace_id):
    with db.SessionLocal() as orm_session:
        db.save_trace(orm_session, trace_id)
    return next(db.get_orm_session())
