from requests import Session as OriginalSession

__all__ = ["CachedSession", "OriginalSession"]


class CachedSession(OriginalSession):
    pass
