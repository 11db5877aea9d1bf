from .trace import Trace
