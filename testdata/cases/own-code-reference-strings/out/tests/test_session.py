from unittest import mock


@mock.patch("agentops.session.Trace")
def test_end(mocked):
    with mock.patch.object(mocked, "trace_id", "x"):
        pass
