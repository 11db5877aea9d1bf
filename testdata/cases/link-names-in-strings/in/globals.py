from operator import attrgetter

from sqlalchemy.orm import relationship
from werkzeug.local import LocalProxy


class RequestContext:
    def __init__(self):
        self.session = None

    @property
    def session_token(self):
        return "t"


class User:
    sessions = relationship("Session", back_populates="user")


class Session:
    user = relationship("User", back_populates="sessions")


_ctx = RequestContext()
session = LocalProxy(_ctx, "session")
token = attrgetter("session_token")
cookie = request.cookies.get("session")
