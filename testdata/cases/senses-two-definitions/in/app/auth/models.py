class Session:
    def __init__(self, user: str):
        self.user = user
