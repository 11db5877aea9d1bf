from .trace import CachedTrace, OriginalSession


def install():
    return CachedTrace, OriginalSession
