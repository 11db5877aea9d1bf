class Session:
    pass
