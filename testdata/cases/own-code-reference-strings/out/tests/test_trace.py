from unittest import mock


@mock.patch("agentops.trace.Trace")
def test_end(mocked):
    with mock.patch.object(mocked, "trace_id", "x"):
        pass
