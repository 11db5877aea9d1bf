import importlib
from unittest import mock


@mock.patch("agentops.trace.Trace")
def test_start(mocked):
    importlib.import_module("agentops.trace")
