import stripe


def checkout(trace_id):
    trace = stripe.checkout.Session.create(client_reference_id=trace_id)
    return trace.url
