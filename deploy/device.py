"""Browser sign-in: a code the person approves, polled for at the server's pace.

The poll interval comes from the server (5 s when it names none, or nonsense),
grows by 5 s after every "slow down", and the wait never sleeps past the code's
expiry. Denied and expired end with different messages.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from zigttp.errors import ControlPlaneError, SignInRequired

from .client import ControlPlane
from .clock import Clock, SystemClock

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 5.0
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
    device_code, user_code = body.get("deviceCode"), body.get("userCode")
    url = body.get("verificationUrl")
    if not all(isinstance(value, str) and value for value in (device_code, user_code)):
        raise ControlPlaneError(
            "start device sign-in", 200, "invalid_answer", "no device or user code"
        )
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise ControlPlaneError(
            "start device sign-in", 200, "invalid_answer", "no verification URL"
        )
    return DeviceCode(
        device_code=str(device_code),
        user_code=str(user_code),
        verification_url=url,
        interval=_seconds(body.get("intervalSeconds"), DEFAULT_INTERVAL),
        expires_in=_seconds(body.get("expiresInSeconds"), DEFAULT_EXPIRY),
    )


def wait_for_approval(
    plane: ControlPlane, code: DeviceCode, clock: Clock | None = None
) -> Approved:
    """Poll until the person approves; SignInRequired when denied or expired."""
    clock = clock or SystemClock()
    deadline = clock.monotonic() + code.expires_in
    interval = code.interval

    while True:
        remaining = deadline - clock.monotonic()
        if remaining <= 0:
            raise _expired(code)
        clock.sleep(min(interval, remaining))

        try:
            answer = plane.device_poll(code.device_code)
        except ControlPlaneError as error:
            raise _ended(error, code) from None

        if answer.status == 200:
            return _approved(answer.body)
        if answer.body.get("slowDown") is True:
            interval = min(interval + SLOW_DOWN_STEP, MAX_INTERVAL)
            log.debug("asked to slow down: polling every %.0f s", interval)


def _approved(body: dict[str, Any]) -> Approved:
    token, email = body.get("token"), body.get("email")
    if not isinstance(token, str) or not token:
        raise ControlPlaneError(
            "poll device sign-in", 200, "invalid_answer", "approved without a token"
        )
    return Approved(token, email if isinstance(email, str) else "")


def _ended(error: ControlPlaneError, code: DeviceCode) -> ControlPlaneError:
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
        f"(it was valid for {code.expires_in:.0f} s): run `zigttp login` for a new one"
    )


def _seconds(value: Any, default: float) -> float:
    """A positive number of seconds from the server, else the default."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value) if 0 < value < 86400 else default
