from sqlalchemy import orm


class User:
    @classmethod
    def get_by_id(cls, orm: orm.Session, id):
        return orm.get(cls, id)

    @classmethod
    def for_session(cls, session_id, orm: orm.Session = None) -> orm.Query:
        return orm.query(cls).get(session_id)


def session_users(orm=orm.Session, session=None):
    # in the body, orm is the parameter
    return [orm(), session]
