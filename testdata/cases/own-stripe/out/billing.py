import stripe


def checkout(trace_id):
    session = stripe.checkout.Session.create(client_reference_id=trace_id)
    return session.url
