from agentops.session import Session

__all__ = ["Session"]
