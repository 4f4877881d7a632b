"""Device sign-in polling (R11) against a scripted stand-in, with a clock that
records each wait instead of sleeping, and `zigttp login --device` end to end."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from zigttp.deploy import device
from zigttp.deploy.client import ControlPlane
from zigttp.errors import ControlPlaneError, SignInRequired, TransportError

from .conftest import Cli
from .standins import DROP, Reply, Request, StandIn

PENDING = Reply(202, {"status": "pending"})
SLOW_DOWN = Reply(202, {"status": "pending", "slowDown": True})
APPROVED = Reply(200, {"token": "ztp_from-device", "email": "dev@example.test"})
EXPIRED = Reply(410, {"error": "expired_token", "message": "expired"})
DENIED = Reply(403, {"error": "access_denied", "message": "denied"})
BROKEN = Reply(500, {"error": "internal", "message": "the database is busy"})
UNAVAILABLE = Reply(503, b"Service Unavailable")
REFUSED = Reply(400, {"error": "invalid_request", "message": "no deviceCode"})


class RecordingClock:
    """Time that moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


def scripted(start: dict[str, Any], polls: Sequence[Reply]) -> StandIn:
    """Device start answers `start`; polls answer in order, then stay pending."""
    queue = list(polls)

    def answer(request: Request) -> Reply:
        if request.path == "/v1/auth/device/start":
            return Reply(200, start)
        if request.path == "/v1/auth/device/poll":
            return queue.pop(0) if queue else PENDING
        if request.path == "/v1/auth/token/verify":
            good = request.headers.get("Authorization") == "Bearer ztp_from-device"
            return Reply(200, {"email": "dev@example.test"}) if good else Reply(401)
        return Reply(404, {"error": "not_found", "message": request.path})

    return StandIn(answer)


def start_body(interval: Any = None, expires: Any = 12) -> dict[str, Any]:
    body = {
        "deviceCode": "device-secret",
        "userCode": "ABCD-EFGH",
        "verificationUrl": "http://127.0.0.1:9/device",
        "expiresInSeconds": expires,
    }
    if interval is not None:
        body["intervalSeconds"] = interval
    return body


@pytest.fixture
def clock() -> RecordingClock:
    return RecordingClock()


@pytest.mark.parametrize(
    ("interval", "expires", "polls", "sleeps", "outcome"),
    [
        # No interval named: 5 s; after "slow down" every later wait is 5 s longer.
        (None, 60, [PENDING, SLOW_DOWN, PENDING, APPROVED], [5, 5, 10, 10], "ok"),
        ("soon", 60, [PENDING, SLOW_DOWN, SLOW_DOWN, APPROVED], [5, 5, 10, 15], "ok"),
        (2, 60, [SLOW_DOWN, APPROVED], [2, 7], "ok"),
        # expiresInSeconds 12: the last wait is cut to the 2 s left, then it ends.
        (None, 12, [PENDING, SLOW_DOWN, PENDING], [5, 5, 2], "expired"),
        (None, 12, [PENDING, SLOW_DOWN, EXPIRED], [5, 5, 2], "expired"),
        (None, 12, [PENDING, DENIED], [5, 5], "denied"),
        (True, 60, [APPROVED], [5], "ok"),
        (-3, 60, [APPROVED], [5], "ok"),
        # Never faster than one poll a second.
        (0.01, 60, [PENDING, PENDING, APPROVED], [1, 1, 1], "ok"),
        (0, 60, [APPROVED], [5], "ok"),
        # A 5xx or no answer is tried again, up to three times in a row.
        (2, 60, [BROKEN, DROP, UNAVAILABLE, APPROVED], [2, 2, 2, 2], "ok"),
        (2, 60, [BROKEN, PENDING, BROKEN, DROP, DROP, APPROVED], [2] * 6, "ok"),
        (2, 60, [BROKEN, DROP, BROKEN, UNAVAILABLE], [2, 2, 2, 2], "error"),
        (None, 12, [BROKEN, BROKEN, BROKEN], [5, 5, 2], "expired"),
        (2, 60, [REFUSED], [2], "error"),
    ],
)
def test_r11_polling_follows_the_interval_slow_downs_and_expiry(
    clock: RecordingClock,
    interval: Any,
    expires: Any,
    polls: list[Reply],
    sleeps: list[float],
    outcome: str,
) -> None:
    with scripted(start_body(interval, expires), polls) as standin:
        plane = ControlPlane(standin.url)
        code = device.start(plane)
        try:
            approved = device.wait_for_approval(plane, code, clock)
            result = ("ok", approved.token)
        except SignInRequired as error:
            result = (
                "expired" if "expired" in error.message else "denied",
                error.message,
            )
        except (ControlPlaneError, TransportError) as error:
            result = ("error", error.message)
        plane.close()

    assert clock.sleeps == sleeps
    assert sum(clock.sleeps) <= float(expires)
    assert result[0] == outcome, result
    if outcome == "ok":
        assert result[1] == "ztp_from-device"
    if outcome == "expired":
        assert result[1] == (
            "the sign-in code ABCD-EFGH expired before it was approved (it was valid "
            f"for {expires:.1f} s): run `zigttp login` for a new one"
        )
    if outcome == "error":
        assert result[1].startswith("poll device sign-in: ")
    if outcome == "denied":
        assert result[1] == (
            "the sign-in with code ABCD-EFGH was denied in the browser: run "
            "`zigttp login` to try again"
        )


@pytest.fixture
def fast_device() -> Iterator[StandIn]:
    with scripted(start_body(interval=1, expires=30), [PENDING, APPROVED]) as standin:
        yield standin


def test_login_device_shows_url_and_code_polls_and_saves_the_verified_token(
    fast_device: StandIn, zigttp: Cli, local_only: Path
) -> None:
    done = zigttp(
        "login", "--device", env={"ZIGTTP_CONTROL_PLANE_URL": fast_device.url}
    )

    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "to sign in, open http://127.0.0.1:9/device and enter the code ABCD-EFGH",
        "waiting for approval (the code expires in 30.0 s)...",
        f"signed in to {fast_device.url} as dev@example.test; saved to "
        f"{local_only / 'credentials'}",
    ]
    assert json.loads((local_only / "credentials").read_text())["token"] == (
        "ztp_from-device"
    )
    assert fast_device.paths("POST").count("/v1/auth/device/poll") == 2
    assert "device-secret" not in done.stderr


def test_login_device_denied_exits_1_and_saves_nothing(
    zigttp: Cli, local_only: Path
) -> None:
    with scripted(start_body(interval=1, expires=30), [DENIED]) as standin:
        done = zigttp(
            "login", "--device", env={"ZIGTTP_CONTROL_PLANE_URL": standin.url}
        )

    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        "error: the sign-in with code ABCD-EFGH was denied in the browser: run "
        "`zigttp login` to try again"
    )
    assert not (local_only / "credentials").exists()
