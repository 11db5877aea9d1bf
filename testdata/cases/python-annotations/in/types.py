from typing import Optional


def current() -> "Session":
    ...


def maybe(x: Optional["Session"]) -> Optional[int]:
    ...
