from sqlalchemy import orm


class User:
    @classmethod
    def get_by_id(cls, orm: orm.Session, id):
        return orm.get(cls, id)

    @classmethod
    def for_trace(cls, trace_id, orm: orm.Session = None) -> orm.Query:
        return orm.query(cls).get(trace_id)


def trace_users(orm=orm.Session, trace=None):
    # in the body, orm is the parameter
    return [orm(), trace]
