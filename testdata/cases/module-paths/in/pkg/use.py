import pkg.session
from pkg.session import Session
from .session import end_session
