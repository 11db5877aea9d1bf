class Session:
    """A recorded session."""

    def __init__(self, name, session_tag=None):
        self.name = name
        self.tag = session_tag


def start_session(name, session_tag=None):
    return Session(name, session_tag=session_tag)


def _session_registry():
    return {}


DEFAULT_SESSION_NAME = "main"


def __getattr__(name):
    # An API the module already answers by name.
    if name == "legacy_client":
        return "legacy"
    raise AttributeError(name)
