"""When and how long to wait before trying a registry request again."""

from __future__ import annotations

import email.utils
import logging
import random
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from zigttp.errors import TransportError
from zigttp.oci.status import RETRY_STATUSES, registry_error

log = logging.getLogger(__name__)

Report = Callable[[str], None]
"""Told about each retry in words, e.g. to show it on stderr."""

UNTRUSTED_HINT = (
    "the registry's TLS certificate is not trusted here: give the CA that signed "
    "it with --ca-bundle (a PEM file)"
)


def quiet(message: str) -> None:
    """The default report: retries are logged, not shown."""


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded tries with jittered exponential backoff, honouring Retry-After.

    `tries` counts every attempt, the first included. A Retry-After the registry
    sends is obeyed up to `max_wait` seconds, so a confused server cannot stall
    a push for an hour.
    `sleep` replaces the clock (tests record the waits instead of waiting); by
    default a wait ends early when the work it belongs to is stopped.
    """

    tries: int = 5
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_wait: float = 60.0
    sleep: Callable[[float], None] | None = field(default=None, repr=False)

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        told = parse_retry_after(retry_after) if retry_after else None
        if told is not None:
            return min(told, self.max_wait) + random.uniform(0, self.base_delay / 4)

        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)

    def pause(self, seconds: float, stop: threading.Event | None = None) -> None:
        """Wait before the next try; on the clock, a set `stop` ends the wait."""
        if self.sleep is not None:
            self.sleep(seconds)
        elif stop is not None:
            stop.wait(seconds)
        else:
            time.sleep(seconds)

    def announce(self, report: Report, what: str, wait: float, attempt: int) -> None:
        """Say that try `attempt` failed with `what` and when the next one starts."""
        message = f"{what}; retrying in {wait:.1f} s, try {attempt + 1} of {self.tries}"
        log.debug("%s", message)
        report(message)

    def run(
        self,
        action: str,
        url: str,
        send: Callable[[], httpx.Response],
        *,
        report: Report = quiet,
        stop: threading.Event | None = None,
    ) -> httpx.Response:
        """Call `send` until it gets an answer that is not "try later", or give up.

        Only for requests that may be repeated: connection errors and 408, 429
        and 5xx answers lead to a wait and another try, each one told to
        `report`. Any other answer is returned as is, for the caller to judge.
        A set `stop` ends the tries with a TransportError.
        """
        for attempt in range(1, self.tries + 1):
            _check(stop, action, url)
            last = attempt == self.tries
            try:
                response = send()
            except httpx.TransportError as error:
                _check(stop, action, url, error)
                reason = _reason(error)
                if _untrusted(error):
                    raise TransportError(
                        action, url, f"{reason}; {UNTRUSTED_HINT}"
                    ) from error
                if last:
                    raise TransportError(
                        action, url, gave_up(reason, self.tries)
                    ) from error
                wait = self.delay(attempt)
                self.announce(report, f"{action}: {reason}", wait, attempt)
                self.pause(wait, stop)
                continue

            if response.status_code not in RETRY_STATUSES:
                return response
            if last:
                raise registry_error(response, action, tries=self.tries)
            header = response.headers.get("retry-after")
            wait = self.delay(attempt, header)
            what = f"{action}: registry answered {response.status_code}"
            told = parse_retry_after(header) if header else None
            if told is not None and told > self.max_wait:
                what += f", asking for {told:.0f} s"
            self.announce(report, what, wait, attempt)
            self.pause(wait, stop)

        raise AssertionError("unreachable: the loop returns or raises")


def gave_up(reason: str, tries: int) -> str:
    """`reason`, saying how often it was tried when that was more than once."""
    return f"{reason}; gave up after {tries} tries" if tries > 1 else reason


def parse_retry_after(value: str, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: "120" or an HTTP date; None if unreadable."""
    value = value.strip()
    if value.isdigit():
        return float(value)

    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, moment.timestamp() - current)


def _check(
    stop: threading.Event | None,
    action: str,
    url: str,
    error: BaseException | None = None,
) -> None:
    """Raise when the work was stopped: no more tries, no more waits."""
    if stop is not None and stop.is_set():
        raise TransportError(
            action, url, "stopped: the work it belonged to was interrupted or failed"
        ) from error


def _untrusted(error: BaseException) -> bool:
    """True when the failure was TLS certificate verification: no try can help."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


_TIMEOUT_PARTS: dict[type[httpx.TransportError], tuple[str, str]] = {
    httpx.ConnectTimeout: ("connect", "not connected"),
    httpx.ReadTimeout: ("read", "no answer"),
    httpx.WriteTimeout: ("write", "could not send"),
    httpx.PoolTimeout: ("pool", "no free connection"),
}


def _reason(error: httpx.TransportError) -> str:
    """What went wrong, in words: a timeout says which and how long it was."""
    name = type(error).__name__
    described = _TIMEOUT_PARTS.get(type(error))
    if described is not None:
        part, what = described
        seconds = _timeout_of(error, part)
        within = f" within {seconds:g} s" if seconds is not None else " in time"
        return f"{name}: {what}{within}"

    text = str(error).strip()
    return f"{name}: {text}" if text else name


def _timeout_of(error: httpx.TransportError, part: str) -> float | None:
    """The timeout the failed request ran under, as httpx recorded it."""
    try:
        limits = error.request.extensions.get("timeout") or {}
    except RuntimeError:  # no request attached to the error
        return None
    value = limits.get(part) if isinstance(limits, dict) else None
    return float(value) if isinstance(value, int | float) else None
