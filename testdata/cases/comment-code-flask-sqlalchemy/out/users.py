from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)


def load_user(user_id):
    """Load a user inside the trace of the current request.

    Example::

        >>> db.session.get(User, 1)
        <User 1>

    Each trace ends with the request.
    """
    # read through db.session, as in the example above
    return db.session.get(User, user_id)
