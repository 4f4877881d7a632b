"""One registry connection: base URL, TLS, timeouts, auth, retries and redirects.

Every request to the registry goes through `Session.request`. Authorization is
attached only to the registry's own origin: when an answer redirects to a
storage host or an upload lands on another server, the registry's credentials
stay behind. `Session.abort` (or leaving the `with` block on an exception, such
as Ctrl-C) cuts the requests in flight on every thread and ends their retries.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import httpx

import zigttp
from zigttp.errors import RegistryError, TransportError, UsageError
from zigttp.oci import challenge
from zigttp.oci.abortable import AbortableTransport
from zigttp.oci.auth import Authenticator
from zigttp.oci.credentials import Credentials
from zigttp.oci.reference import Reference
from zigttp.oci.retry import RetryPolicy
from zigttp.oci.tls import Trust
from zigttp.progress import Progress, Step, silent

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
# `GET /v2/` is tiny: a registry that has not answered it in this long is stuck,
# and every one of its tries would otherwise wait out the full read timeout.
PING_SECONDS = 10.0
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# What Go's HTTPS servers (docker-registry among them) answer to plain HTTP.
_HTTPS_ONLY = b"HTTP request to an HTTPS server"


@dataclass(frozen=True)
class _Exchange:
    """What to send, kept whole so a retry sends exactly the same again."""

    method: str
    url: httpx.URL
    scopes: tuple[str, ...]
    content: bytes | None
    headers: dict[str, str]
    follow_redirects: bool


class Session:
    """Talks to the registry named by a reference; use it as a context manager.

    HTTPS with verification, except plain HTTP to a registry on this machine
    (127.0.0.0/8, ::1, localhost) or one that `insecure` allows. `tls=True` or a
    `ca_bundle` asks for HTTPS whatever the host; `tls=False` for plain HTTP.
    Left to choose, plain HTTP that the registry answers "use HTTPS" switches to
    HTTPS. Retries are told to `progress` as steps, so people see them.
    """

    def __init__(
        self,
        reference: Reference,
        credentials: Credentials | None = None,
        *,
        insecure: bool = False,
        tls: bool | None = None,
        ca_bundle: Path | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        ping_seconds: float = PING_SECONDS,
        retry: RetryPolicy | None = None,
        progress: Progress = silent,
        unused_credentials: str = "",
    ) -> None:
        if tls is None and ca_bundle is not None:
            tls = True
        plain = not tls if tls is not None else insecure or reference.is_loopback
        if plain and not (insecure or reference.is_loopback):
            raise UsageError(
                f"{reference.registry} is not on this machine: plain HTTP to it "
                "needs insecure=True (--insecure)"
            )
        self.reference = reference
        self.base = httpx.URL(f"{'http' if plain else 'https'}://{reference.registry}")
        self.may_switch_to_https = plain and tls is None
        self.retry = retry or RetryPolicy()
        self.progress = progress
        self.stopped = threading.Event()
        self.timeout = httpx.Timeout(timeout)
        self.ping_timeout = _at_most(self.timeout, ping_seconds)
        self.trust = Trust(ca_bundle, eager=not plain)
        self.transport = AbortableTransport(self.trust.context)
        self.client = httpx.Client(
            transport=self.transport,
            timeout=self.timeout,
            verify=self.trust.context,
            follow_redirects=False,
            # A proxy cannot reach this machine's loopback: never send those there.
            trust_env=not reference.is_loopback,
            headers={"User-Agent": f"zigttp/{zigttp.__version__}"},
        )
        self.auth = Authenticator(
            self.client,
            credentials,
            self.run,
            self.trust,
            insecure,
            unused_credentials,
        )

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if error is not None:
            self.abort()
        self.client.close()

    def abort(self) -> None:
        """Stop: cut requests in flight on any thread, end waits, refuse new ones."""
        self.stopped.set()
        self.transport.abort()

    def url(self, path: str) -> httpx.URL:
        """A URL on the registry from a path such as "/v2/"."""
        return self.base.join(path)

    def report(self, message: str) -> None:
        """Tell people about a retry or a change of course, as a progress step."""
        self.progress(Step(message))

    def run(
        self,
        action: str,
        url: str,
        send: Callable[[], httpx.Response],
        policy: RetryPolicy | None = None,
    ) -> httpx.Response:
        """`send` under the retry policy, reporting retries, ending when stopped."""
        return (policy or self.retry).run(
            action, url, send, report=self.report, stop=self.stopped
        )

    def ping(self) -> None:
        """`GET /v2/`: learn whether and how the registry wants us to log in.

        With a shorter read timeout than other requests. Over plain HTTP, an
        answer saying the registry speaks only HTTPS moves the session to HTTPS
        (still verified), when the caller left the choice to us.
        """
        response = self._ping()
        if self.may_switch_to_https and _speaks_only_https(response):
            self.base = self.base.copy_with(scheme="https")
            self.report(
                f"{self.reference.registry} answers only HTTPS: using HTTPS "
                "(name its CA with --ca-bundle if it is not trusted here)"
            )
            response = self._ping()

        if response.status_code == 401:
            self.auth.learn(_challenges(response))
        elif response.status_code != 200:
            raise self.auth.error(response, f"checking the registry at {response.url}")

    def _ping(self) -> httpx.Response:
        url = self.url("/v2/")
        self.trust.prepare(url)
        try:
            return self.run(
                f"checking the registry at {url}",
                str(url),
                lambda: self.client.get(url, timeout=self.ping_timeout),
            )
        except TransportError as error:
            # Go's TLS servers answer plain HTTP (see ping); most others hang up.
            hung_up = isinstance(
                error.__cause__, httpx.RemoteProtocolError | httpx.ReadError
            )
            if url.scheme != "http" or not hung_up:
                raise
            raise TransportError(
                error.action,
                error.url,
                f"{error.reason}; if it serves HTTPS, pass --tls (with --ca-bundle "
                "naming its CA)",
            ) from error

    def request(
        self,
        method: str,
        url: httpx.URL,
        *,
        action: str,
        scopes: Sequence[str],
        expect: Collection[int],
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        follow_redirects: bool = True,
        retry: bool = True,
    ) -> httpx.Response:
        """Send one request, retrying if allowed; raise unless the status is expected.

        `retry=False` is for steps that must not be repeated as they are (a PATCH
        into an upload session): a failure raises at once, and the caller starts
        over from a fresh session.
        """
        exchange = _Exchange(
            method, url, tuple(scopes), content, dict(headers or {}), follow_redirects
        )
        policy = self.retry if retry else RetryPolicy(tries=1, sleep=self.retry.sleep)
        response = self.run(
            action, str(url), lambda: self._authorized(exchange), policy
        )
        if response.status_code not in expect:
            raise self.auth.error(response, action)
        return response

    def _authorized(self, exchange: _Exchange) -> httpx.Response:
        """Send; after a 401 from the registry, log in as it asks and send again."""
        response = self._send(exchange)
        if response.status_code != 401 or not self._is_registry(response.url):
            return response

        self.auth.rejected(_challenges(response), exchange.scopes)
        return self._send(exchange)

    def _send(self, exchange: _Exchange) -> httpx.Response:
        """One exchange, following redirects by hand so credentials stay home."""
        method, url, content = exchange.method, exchange.url, exchange.content
        for _ in range(MAX_REDIRECTS + 1):
            headers = dict(exchange.headers)
            if self._is_registry(url):
                authorization = self.auth.header(exchange.scopes)
                if authorization:
                    headers["Authorization"] = authorization

            self.trust.prepare(url)
            response = self.client.request(
                method, url, content=content, headers=headers
            )
            location = response.headers.get("location")
            redirected = response.status_code in _REDIRECTS and location
            if not exchange.follow_redirects or not redirected:
                return response

            log.debug("%s %s redirected to %s", method, url, location)
            url = response.url.join(str(location))
            if response.status_code == 303 and method != "HEAD":
                method, content = "GET", None

        raise RegistryError(
            f"{exchange.method} {exchange.url}",
            response.status_code,
            detail=f"more than {MAX_REDIRECTS} redirects",
        )

    def _is_registry(self, url: httpx.URL) -> bool:
        return (url.scheme, url.host, url.port) == (
            self.base.scheme,
            self.base.host,
            self.base.port,
        )


def _challenges(response: httpx.Response) -> list[challenge.Challenge]:
    found = []
    for value in response.headers.get_list("www-authenticate"):
        found += challenge.parse(value)
    return found


def _speaks_only_https(response: httpx.Response) -> bool:
    return response.status_code == 400 and _HTTPS_ONLY in response.content


def _at_most(timeout: httpx.Timeout, seconds: float) -> httpx.Timeout:
    """`timeout` with no part longer than `seconds`."""

    def shorter(value: float | None) -> float:
        return seconds if value is None else min(value, seconds)

    return httpx.Timeout(
        connect=shorter(timeout.connect),
        read=shorter(timeout.read),
        write=shorter(timeout.write),
        pool=shorter(timeout.pool),
    )
