class Session:
    """A signed-in user's login, not an agent's run."""

    def __init__(self, user: str):
        self.user = user


def login(user: str) -> Session:
    return Session(user)
