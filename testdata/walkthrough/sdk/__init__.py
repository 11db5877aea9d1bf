from sdk.session import Session, start_session

__all__ = ["Session", "start_session"]
