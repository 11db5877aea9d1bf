"""An SDK whose sessions become traces."""

from sdk.core import Session, start_session

__all__ = ["Session", "start_session"]
