from sqlalchemy import orm

from .models import TraceRecord


class TraceRepo:
    @classmethod
    def get_by_id(cls, orm: orm.Session, trace_id: str) -> TraceRecord:
        return orm.get(TraceRecord, trace_id)

    @classmethod
    def close(cls, orm_session: orm.Session) -> None:
        orm_session.close()


def count_traces(db_session: "orm.Session", user_trace: TraceRecord) -> int:
    return db_session.query(TraceRecord).filter_by(user=user_trace.user).count()
