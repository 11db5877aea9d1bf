from agentops.trace import Trace, end_trace

__all__ = ["Trace", "end_trace"]
