from unittest import mock


@mock.patch("agentops.session.Session")
def test_end(mocked):
    with mock.patch.object(mocked, "session_id", "x"):
        pass
