# retrace: compat: this module moved to agentkit.trace; `retrace apply --drop-compat` removes this file
import warnings as _warnings

import agentkit.trace as _moved
from agentkit.trace import *  # noqa: F401,F403

_warnings.warn(
    "agentkit.session is deprecated; use agentkit.trace",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name):
    return getattr(_moved, name)
