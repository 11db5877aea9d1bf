from .models import Session


def login(user: str) -> Session:
    return Session(user)
