from sqlalchemy.orm import Session


def end_session(db: Session, session_id):
    """End one session.

    Call ``end_session`` before `Session.close`; the `Session` here is
    SQLAlchemy's, not a recorded session.
    """
    # `end_session` commits; the caller's `Session` stays open
    db.commit()
    return session_id
