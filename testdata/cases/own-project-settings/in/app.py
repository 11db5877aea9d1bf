from agentops import Session
from legacy.session import SessionStore


def run(session: Session, store: SessionStore):
    return store
