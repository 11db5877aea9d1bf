class Session:
    pass


def end_session():
    pass
