# retrace: compat: this module moved to sdk.trace; `retrace apply --drop-compat` removes this file
import warnings as _warnings

import sdk.trace as _moved
from sdk.trace import *  # noqa: F401,F403

_warnings.warn(
    "sdk.session is deprecated; use sdk.trace",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name):
    return getattr(_moved, name)
