from typing import Optional


def current() -> "Trace":
    ...


def maybe(x: Optional["Trace"]) -> Optional[int]:
    ...
