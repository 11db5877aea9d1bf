import agentops.session
from .session import Session
from . import session


def start():
    return Session(), agentops.session.Session, session.Session
