from sdk.core import Session


def open_session(name):
    return Session(name)
