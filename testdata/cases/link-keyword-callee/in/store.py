def save_session(session_id, customer=None):
    return {"id": session_id, "customer": customer}


class Checkout:
    def __init__(self, session_id):
        self.id = session_id

    def copy(self):
        return self.__class__(session_id=self.id)

    @classmethod
    def empty(cls):
        return cls(session_id=None)
