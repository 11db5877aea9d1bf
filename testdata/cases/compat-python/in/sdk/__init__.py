"""An SDK whose sessions become traces."""

from sdk.core import Session, start_session
from sdk.session import open_session

__all__ = ["Session", "start_session", "open_session"]
