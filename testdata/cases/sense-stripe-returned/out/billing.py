import stripe


def checkout_session_from(event) -> stripe.checkout.Session:
    checkout_session = event.data.object
    return checkout_session


def create_checkout_session(trace_id: str):
    checkout_session = stripe.checkout.Session.create(client_reference_id=trace_id)
    return checkout_session


def handle(event, trace_id: str):
    checkout_session = checkout_session_from(event)
    new_session = create_checkout_session(trace_id)
    return checkout_session.url, new_session.url
