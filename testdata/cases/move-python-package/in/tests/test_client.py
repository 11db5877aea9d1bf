import importlib
from unittest import mock


@mock.patch("agentops.session.Session")
def test_start(mocked):
    importlib.import_module("agentops.session")
