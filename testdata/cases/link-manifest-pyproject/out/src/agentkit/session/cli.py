# retrace: compat: this module moved to agentkit.trace.cli; `retrace apply --drop-compat` removes this file
import warnings as _warnings

import agentkit.trace.cli as _moved
from agentkit.trace.cli import *  # noqa: F401,F403

_warnings.warn(
    "agentkit.session.cli is deprecated; use agentkit.trace.cli",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name):
    return getattr(_moved, name)
