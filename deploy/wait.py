"""The wait for a release to report ready, bounded by one overall deadline.

Each status request gets at most the time left; a request that gets no answer
is retried until the deadline, so a stalled control plane is reported, not
waited on forever. The outcomes, each with its own exit code:

- ready: our release reports ready (0);
- ReadyTimeout: our own deadline passed first (3), whatever the service said;
- ServiceFailed: the service reports that our release failed (4);
- Superseded: the service reports a newer release than ours (6), which can
  only be another deploy's, so waiting longer cannot help.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from zigttp.errors import ReadyTimeout, ServiceFailed, Superseded, TransportError
from zigttp.progress import Progress, Step, silent

from . import server_text
from .client import ControlPlane, seconds_setting
from .clock import Clock, SystemClock

log = logging.getLogger(__name__)

DEFAULT_READY_SECONDS = 120.0
READY_TIMEOUT_VARIABLE = "ZIGTTP_READY_TIMEOUT"
POLL_SECONDS = 0.5
MAX_REQUEST_SECONDS = 10.0
MAX_LOG_LINES = 50


def ready_timeout(environ: Mapping[str, str] | None = None) -> float:
    """ZIGTTP_READY_TIMEOUT (seconds) or 120."""
    return seconds_setting(READY_TIMEOUT_VARIABLE, DEFAULT_READY_SECONDS, environ)


def until_ready(
    plane: ControlPlane,
    service_id: str,
    release_id: str,
    url: str,
    seconds: float = DEFAULT_READY_SECONDS,
    progress: Progress = silent,
    clock: Clock | None = None,
) -> dict[str, Any]:
    """The service answer once `release_id` is ready; raises on failure or timeout."""
    clock = clock or SystemClock()
    started = clock.monotonic()
    deadline = started + seconds
    last_seen = "no answer yet"

    while True:
        remaining = deadline - clock.monotonic()
        if remaining <= 0:
            raise ReadyTimeout(url, seconds, last_seen)

        try:
            answer = plane.service(
                service_id, timeout=max(0.1, min(MAX_REQUEST_SECONDS, remaining))
            )
        except TransportError as error:
            last_seen = f"the control plane did not answer ({error.reason})"
            log.debug("status of %s: %s", service_id, last_seen)
        else:
            last_seen = _describe(answer)
            current = answer.get("releaseId")
            if current == release_id:
                state = answer.get("status")
                if state == "ready":
                    return answer
                if state == "failed":
                    message = server_text.field(answer, "message")
                    raise ServiceFailed(url, message, _tail(answer))
            elif isinstance(current, str) and current:
                # The service names its newest release; ours was accepted before
                # this request, so any other id came later.
                raise Superseded(url, release_id, server_text.clean(current, 80))

        elapsed = clock.monotonic() - started
        progress(Step(f"waiting for {url} to report ready", int(elapsed), 0))
        clock.sleep(max(0.0, min(POLL_SECONDS, deadline - clock.monotonic())))


def _describe(answer: dict[str, Any]) -> str:
    state = server_text.field(answer, "status", 40) or "unknown"
    message = server_text.field(answer, "message")
    return f"{state}: {message}" if message else state


def _tail(answer: dict[str, Any]) -> list[str]:
    lines = answer.get("logTail")
    if not isinstance(lines, list):
        return []
    return [server_text.line(line) for line in lines[-MAX_LOG_LINES:]]
