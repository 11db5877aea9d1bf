class Trace:
    pass
