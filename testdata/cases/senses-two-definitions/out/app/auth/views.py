from .models import Trace


def login(user: str) -> Trace:
    return Trace(user)
