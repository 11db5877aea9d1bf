from sqlalchemy.orm import Session


def end_trace(db: Session, trace_id):
    """End one trace.

    Call ``end_trace`` before `Session.close`; the `Session` here is
    SQLAlchemy's, not a recorded trace.
    """
    # `end_trace` commits; the caller's `Session` stays open
    db.commit()
    return trace_id
