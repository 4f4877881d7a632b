"""SIGTERM and SIGHUP unwind like Ctrl-C, so cleanup runs and the user is told."""

from __future__ import annotations

import signal
from types import FrameType


class SignalReceived(KeyboardInterrupt):
    """Ctrl-C's cleanup path, taken for another signal; `number` says which."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number

    @property
    def name(self) -> str:
        return signal.Signals(self.number).name


def _raise(number: int, frame: FrameType | None) -> None:
    raise SignalReceived(number)


def unwind_on_termination() -> None:
    """From now on SIGTERM and SIGHUP raise SignalReceived where the program is."""
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, _raise)
