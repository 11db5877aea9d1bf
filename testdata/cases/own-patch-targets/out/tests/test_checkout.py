from unittest import mock
from unittest.mock import patch

import stripe


@patch("stripe.checkout.Session.create")
def test_checkout(create, client):
    with mock.patch("stripe.checkout.Session.retrieve") as retrieve:
        retrieve.return_value = stripe.checkout.Session()
    client.patch("/api/sessions/1")


def test_ours(mocker):
    mocker.patch("agentops.trace.Trace.create")
    mocker.patch("stripe.billing_portal.Session.create", return_value=None)
