import pkg.session
from pkg.session import Trace
from .session import end_trace
