"""Progress as data: long work reports steps and (done, total); the CLI draws it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One report from long work: what is happening and how far along it is.

    `total` is 0 when the amount of work is unknown; `done == total` marks the end.
    """

    label: str
    done: int = 0
    total: int = 0


Progress = Callable[[Step], None]


def silent(step: Step) -> None:
    """The default reporter: library code says nothing unless asked."""
