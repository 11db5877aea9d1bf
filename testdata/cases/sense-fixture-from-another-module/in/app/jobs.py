from app import db


def run_job(session_id):
    with db.SessionLocal() as orm_session:
        db.save_session(orm_session, session_id)
    return next(db.get_orm_session())
