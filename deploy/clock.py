"""Time for the deploy's waits; tests pass a clock that does not really sleep."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """What a poll loop needs of time."""

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)
