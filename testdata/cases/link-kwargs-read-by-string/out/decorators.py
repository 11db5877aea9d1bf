def record(event, trace=None, **kwargs):
    if "trace" in kwargs:
        trace = kwargs.pop("trace")
    return event, trace or kwargs.get("trace")


def wrapper(*args, trace=None, **kwargs):
    if "trace" in kwargs.keys():
        del kwargs["trace"]
    return trace


def forward(**kwargs):
    # No parameter of that name here: a key of someone else's call.
    return kwargs.get("session")
