"""Backoff and Retry-After: how long to wait before the next try."""

from __future__ import annotations

import email.utils
import threading
import time

import pytest

from zigttp.oci.retry import RetryPolicy, parse_retry_after

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("0", 0.0),
        ("120", 120.0),
        (" 7 ", 7.0),
        (email.utils.formatdate(NOW + 30, usegmt=True), 30.0),
        (email.utils.formatdate(NOW - 30, usegmt=True), 0.0),
        ("Wed, 21 Oct 2015 07:28:00", None),  # no zone: unreadable
        ("soon", None),
        ("-5", None),
    ],
)
def test_parse_retry_after(value: str, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


def test_backoff_grows_with_jitter_up_to_the_ceiling() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=4.0)

    for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (9, 4.0)]:
        waits = {policy.delay(attempt) for _ in range(50)}
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
        assert len(waits) > 1


def test_retry_after_is_obeyed_but_capped() -> None:
    policy = RetryPolicy(base_delay=0.4, max_wait=10.0)

    assert 3.0 <= policy.delay(1, "3") <= 3.1
    assert 10.0 <= policy.delay(1, "86400") <= 10.1
    assert policy.delay(1, "garbage") <= 0.4


def test_a_wait_on_the_clock_is_really_waited() -> None:
    started = time.monotonic()

    RetryPolicy().pause(0.05)

    assert time.monotonic() - started >= 0.05


def test_stopping_ends_a_wait_on_the_clock() -> None:
    stop = threading.Event()
    threading.Timer(0.05, stop.set).start()
    started = time.monotonic()

    RetryPolicy().pause(30, stop)

    assert time.monotonic() - started < 1.0


def test_an_injected_sleep_replaces_the_clock() -> None:
    waits: list[float] = []

    RetryPolicy(sleep=waits.append).pause(30, threading.Event())

    assert waits == [30]
