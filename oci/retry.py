"""When and how long to wait before trying a registry request again."""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from zigttp.errors import TransportError
from zigttp.oci.status import RETRY_STATUSES, registry_error

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded tries with jittered exponential backoff, honouring Retry-After.

    `tries` counts every attempt, the first included. A Retry-After the registry
    sends is obeyed up to `max_wait` seconds, so a confused server cannot stall
    a push for an hour.
    """

    tries: int = 5
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_wait: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        told = parse_retry_after(retry_after) if retry_after else None
        if told is not None:
            return min(told, self.max_wait) + random.uniform(0, self.base_delay / 4)

        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)

    def run(
        self, action: str, url: str, send: Callable[[], httpx.Response]
    ) -> httpx.Response:
        """Call `send` until it gets an answer that is not "try later", or give up.

        Only for requests that may be repeated: connection errors and 408, 429
        and 5xx answers lead to a wait and another try. Any other answer is
        returned as is, for the caller to judge.
        """
        for attempt in range(1, self.tries + 1):
            last = attempt == self.tries
            try:
                response = send()
            except httpx.TransportError as error:
                if last:
                    raise TransportError(action, url, _reason(error)) from error
                wait = self.delay(attempt)
                log.info("%s: %s; retrying in %.1fs", action, _reason(error), wait)
                self.sleep(wait)
                continue

            if response.status_code not in RETRY_STATUSES:
                return response
            if last:
                raise registry_error(response, action, tries=self.tries)
            wait = self.delay(attempt, response.headers.get("retry-after"))
            log.info(
                "%s: answered %d; retrying in %.1fs", action, response.status_code, wait
            )
            self.sleep(wait)

        raise AssertionError("unreachable: the loop returns or raises")


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


def _reason(error: httpx.TransportError) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
