class Session:
    """A recorded session."""

    def __init__(self, name):
        self.name = name


def start_session(name):
    return Session(name)


def _session_registry():
    return {}


DEFAULT_SESSION_NAME = "main"


def __getattr__(name):
    # An API the module already answers by name.
    if name == "legacy_client":
        return "legacy"
    raise AttributeError(name)
