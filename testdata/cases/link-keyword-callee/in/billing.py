import json

import stripe

from .store import save_session


def checkout(session_id, customer):
    # The project's own function: its parameter is renamed, and so is the keyword.
    save_session(session_id=session_id, customer=customer)
    # A builtin and a third-party client read these keywords by name.
    row = dict(session_id=session_id)
    stripe.checkout.Session.create(customer=customer, metadata=dict(session_id=session_id))
    return json.dumps(row)
