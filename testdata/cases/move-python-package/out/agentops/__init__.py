from agentops.trace import Trace

__all__ = ["Trace"]
