from sqlalchemy import orm

from .models import SessionRecord


class SessionRepo:
    @classmethod
    def get_by_id(cls, orm: orm.Session, session_id: str) -> SessionRecord:
        return orm.get(SessionRecord, session_id)

    @classmethod
    def close(cls, orm_session: orm.Session) -> None:
        orm_session.close()


def count_sessions(db_session: "orm.Session", user_session: SessionRecord) -> int:
    return db_session.query(SessionRecord).filter_by(user=user_session.user).count()
