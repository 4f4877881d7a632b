"""What the CLI shows people: short lines and progress on stderr, colour on a TTY."""

from __future__ import annotations

import os
import sys
import threading
import time

import click

from zigttp.progress import Step


def colour_enabled() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set."""
    return sys.stderr.isatty() and "NO_COLOR" not in os.environ


def say(message: str, *, fg: str | None = None, bold: bool = False) -> None:
    """One line for people, on stderr."""
    if colour_enabled() and (fg or bold):
        message = click.style(message, fg=fg, bold=bold)
    click.echo(message, err=True)


def warn(message: str) -> None:
    say(f"warning: {message}", fg="yellow")


def result(value: str) -> None:
    """The one value a script wants (a digest, a URL, JSON), alone on stdout."""
    click.echo(value)


def human_size(size: int) -> str:
    """1536 -> '1.5 KiB'."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


class ProgressLines:
    """Draws progress steps: a live line on a TTY, one line per step elsewhere."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.current = ""
        self.started = 0.0
        self.last_draw = 0.0

    def __call__(self, step: Step) -> None:
        if step.label != self.current:
            self._finish_line()
            self.current = step.label
            self.started = time.monotonic()
            if not self.tty:
                say(step.label)

        if not self.tty:
            return

        finished = step.total > 0 and step.done >= step.total
        now = time.monotonic()
        if not finished and now - self.last_draw < 0.1:
            return
        self.last_draw = now
        self._draw(step, now - self.started)
        if finished:
            self._finish_line()

    def close(self) -> None:
        self._finish_line()

    def _draw(self, step: Step, elapsed: float) -> None:
        amount = ""
        if step.total:
            amount = f" {human_size(step.done)}/{human_size(step.total)}"
        sys.stderr.write(f"\r\x1b[2K{step.label}{amount} ({elapsed:.0f}s)")
        sys.stderr.flush()

    def _finish_line(self) -> None:
        if self.tty and self.current:
            sys.stderr.write("\n")
            sys.stderr.flush()
        self.current = ""


class EventLines:
    """Draws progress from several workers at once: one line per new step label.

    Repeated reports of the same label (bytes sent so far) are dropped, so each
    blob shows as a few lines whatever the chunk size.
    """

    def __init__(self) -> None:
        self.printed: set[str] = set()
        self.lock = threading.Lock()

    def __call__(self, step: Step) -> None:
        with self.lock:
            if step.label in self.printed:
                return
            self.printed.add(step.label)
        size = f" ({human_size(step.total)})" if step.total > 1 else ""
        say(f"{step.label}{size}")
