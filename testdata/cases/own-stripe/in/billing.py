import stripe


def checkout(session_id):
    session = stripe.checkout.Session.create(client_reference_id=session_id)
    return session.url
