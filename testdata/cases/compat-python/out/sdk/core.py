class Trace:
    """A recorded trace."""

    def __init__(self, name, trace_tag=None):
        self.name = name
        self.tag = trace_tag


def start_trace(name, trace_tag=None):
    return Trace(name, trace_tag=trace_tag)


def _trace_registry():
    return {}


DEFAULT_TRACE_NAME = "main"


def __getattr__(name):
    # An API the module already answers by name.
    if name == "legacy_client":
        return "legacy"
    raise AttributeError(name)


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
        "DEFAULT_SESSION_NAME": "DEFAULT_TRACE_NAME",
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


def _retrace_old_keywords(function, renamed):
    import functools
    import warnings

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        for old, new in renamed.items():
            if old in kwargs:
                warnings.warn(
                    f"{function.__module__}.{function.__qualname__}({old}=...) is deprecated; use {new}=",
                    DeprecationWarning,
                    stacklevel=2,
                )
                kwargs[new] = kwargs.pop(old)
        return function(*args, **kwargs)

    return wrapper


start_trace = _retrace_old_keywords(start_trace, {"session_tag": "trace_tag"})
# retrace: compat (end)
