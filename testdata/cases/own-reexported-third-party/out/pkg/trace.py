from requests import Session as OriginalSession

__all__ = ["CachedTrace", "OriginalSession"]


class CachedTrace(OriginalSession):
    pass
