class Session:
    def end_session(self):
        pass
