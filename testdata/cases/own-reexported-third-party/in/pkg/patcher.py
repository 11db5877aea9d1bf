from .session import CachedSession, OriginalSession


def install():
    return CachedSession, OriginalSession
