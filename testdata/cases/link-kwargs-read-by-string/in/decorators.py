def record(event, session=None, **kwargs):
    if "session" in kwargs:
        session = kwargs.pop("session")
    return event, session or kwargs.get("session")


def wrapper(*args, session=None, **kwargs):
    if "session" in kwargs.keys():
        del kwargs["session"]
    return session


def forward(**kwargs):
    # No parameter of that name here: a key of someone else's call.
    return kwargs.get("session")
