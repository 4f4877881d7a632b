"""Browser sign-in: a code the person approves, polled for at the server's pace.

The poll interval comes from the server (5 s when it names none, or nonsense,
and never under 1 s), grows by 5 s after every "slow down", and the wait never
sleeps past the code's expiry. A poll that gets no answer, or a 5xx, is tried
again at the same pace, up to three times in a row. Denied and expired end
with different messages.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from zigttp.errors import ControlPlaneError, SignInRequired, TransportError

from . import server_text
from .client import ControlPlane
from .clock import Clock, SystemClock
from .credentials import check_token

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 5.0
MIN_INTERVAL = 1.0
MAX_POLL_FAILURES = 3
SLOW_DOWN_STEP = 5.0
DEFAULT_EXPIRY = 600.0
MAX_INTERVAL = 60.0


@dataclass(frozen=True)
class DeviceCode:
    """What the person needs (URL and code) and what the poll loop needs."""

    device_code: str = field(repr=False)
    user_code: str
    verification_url: str
    interval: float
    expires_in: float


@dataclass(frozen=True)
class Approved:
    token: str = field(repr=False)
    email: str


def start(plane: ControlPlane) -> DeviceCode:
    """Ask for a new device code."""
    body = plane.device_start()
    device_code = body.get("deviceCode")
    user_code = server_text.field(body, "userCode", 40)
    url = server_text.field(body, "verificationUrl")
    if not (isinstance(device_code, str) and device_code and user_code):
        raise ControlPlaneError(
            "start device sign-in", 200, "invalid_answer", "no device or user code"
        )
    if not url.startswith(("https://", "http://")):
        raise ControlPlaneError(
            "start device sign-in", 200, "invalid_answer", "no verification URL"
        )
    interval = _seconds(body.get("intervalSeconds"), DEFAULT_INTERVAL)
    return DeviceCode(
        device_code=device_code,
        user_code=user_code,
        verification_url=url,
        interval=max(interval, MIN_INTERVAL),
        expires_in=_seconds(body.get("expiresInSeconds"), DEFAULT_EXPIRY),
    )


def wait_for_approval(
    plane: ControlPlane, code: DeviceCode, clock: Clock | None = None
) -> Approved:
    """Poll until the person approves; SignInRequired when denied or expired."""
    clock = clock or SystemClock()
    deadline = clock.monotonic() + code.expires_in
    interval = code.interval
    failures = 0

    while True:
        remaining = deadline - clock.monotonic()
        if remaining <= 0:
            raise _expired(code)
        clock.sleep(min(interval, remaining))

        try:
            answer = plane.device_poll(code.device_code)
        except (ControlPlaneError, TransportError) as error:
            if not _passing(error) or failures == MAX_POLL_FAILURES:
                raise _ended(error, code) from None
            failures += 1
            log.debug("poll %d failed (%s): trying again", failures, error)
            continue
        failures = 0

        if answer.status == 200:
            return _approved(answer.body)
        if answer.body.get("slowDown") is True:
            interval = min(interval + SLOW_DOWN_STEP, MAX_INTERVAL)
            log.debug("asked to slow down: polling every %.0f s", interval)


def _approved(body: dict[str, Any]) -> Approved:
    token = body.get("token")
    if not isinstance(token, str) or not token:
        raise ControlPlaneError(
            "poll device sign-in", 200, "invalid_answer", "approved without a token"
        )
    check_token(
        token,
        "the token the control plane sent after approval",
        "the control plane is broken; try `zigttp login` with a token instead",
    )
    return Approved(token, server_text.field(body, "email"))


def _passing(error: ControlPlaneError | TransportError) -> bool:
    """A failure the next poll may not see: no answer, or the server's own fault."""
    return isinstance(error, TransportError) or error.status >= 500


def _ended(
    error: ControlPlaneError | TransportError, code: DeviceCode
) -> ControlPlaneError | TransportError:
    if isinstance(error, TransportError):
        return error
    if error.status == 403:
        return SignInRequired(
            f"the sign-in with code {code.user_code} was denied in the browser: "
            "run `zigttp login` to try again"
        )
    if error.status == 410:
        return _expired(code)
    return error


def _expired(code: DeviceCode) -> SignInRequired:
    return SignInRequired(
        f"the sign-in code {code.user_code} expired before it was approved "
        f"(it was valid for {code.expires_in:.1f} s): run `zigttp login` for a new one"
    )


def _seconds(value: Any, default: float) -> float:
    """A positive number of seconds from the server, else the default."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value) if 0 < value < 86400 else default
