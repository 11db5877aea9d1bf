from agentops.session import Session, end_session

__all__ = ["Session", "end_session"]
