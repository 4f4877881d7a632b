"""How far a deploy got, so an interrupt can say what did and did not happen."""

from __future__ import annotations

import logging
import signal
from typing import Any

from zigttp.errors import Interrupted, Terminated
from zigttp.signals import SignalReceived

log = logging.getLogger(__name__)


class Milestones:
    """How far the deploy got, to say what an interrupt left behind."""

    _MESSAGES: dict[str, str] = {
        "prove": "interrupted before anything was sent: nothing changed",
        "session": "interrupted while opening the deploy session: nothing was "
        "uploaded or released",
        "build": "interrupted while building: nothing was uploaded or released",
        "push": "interrupted during push: part of the image may be in the "
        "registry, nothing was released",
        "pushed": "interrupted after push: the image is in the registry, nothing "
        "was released",
        "release": "interrupted while releasing: the release may or may not have "
        "been accepted; re-run `zigttp deploy` (it updates in place)",
        "released": "interrupted after the release was accepted: {url} is being "
        "updated; re-run `zigttp deploy` if the state file was not written",
        "wait": "interrupted while waiting for ready: the release was accepted "
        "and the state saved; {url} may still come up",
    }

    def __init__(self) -> None:
        self.stage = "prove"
        self.url = ""

    def reached(self, stage: str, url: str = "") -> None:
        log.debug("deploy step: %s", stage)
        self.stage = stage
        self.url = url or self.url

    def interrupted(self) -> str:
        details: dict[str, Any] = {"url": self.url or "the service"}
        return self._MESSAGES[self.stage].format(**details)


def stopped(stop: KeyboardInterrupt, progress: Milestones) -> Interrupted:
    """Ctrl-C or SIGTERM as the error that says what did and did not happen."""
    if isinstance(stop, SignalReceived) and stop.number == signal.SIGTERM:
        return Terminated(progress.interrupted())
    return Interrupted(progress.interrupted())
