"""An SDK whose traces become traces."""

from sdk.core import Trace, start_trace
from sdk.trace import open_trace

__all__ = ["Trace", "start_trace", "open_trace"]


# retrace: compat (begin): old names kept for the transition; `retrace apply --drop-compat` removes this block
import sys as _retrace_sys

try:
    _retrace_next = __getattr__
except NameError:
    _retrace_next = None


def __getattr__(
    name,
    _renamed={
        "Session": "Trace",
        "start_session": "start_trace",
        "open_session": "open_trace",
    },
    _next=_retrace_next,
    _namespace=_retrace_sys.modules[__name__].__dict__,
):
    if name in _renamed:
        import warnings

        new = _renamed[name]
        warnings.warn(
            f"{__name__}.{name} is deprecated; use {__name__}.{new}",
            DeprecationWarning,
            stacklevel=2,
        )
        # Once: `from package import Old` looks the name up twice.
        _namespace[name] = _namespace[new]
        return _namespace[name]
    if _next is not None:
        return _next(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
# retrace: compat (end)
