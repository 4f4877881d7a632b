"""One registry connection: base URL, TLS, timeouts, auth, retries and redirects.

Every request to the registry goes through `Session.request`. Authorization is
attached only to the registry's own origin: when an answer redirects to a
storage host or an upload lands on another server, the registry's credentials
stay behind.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import httpx

import zigttp
from zigttp.errors import RegistryError, UsageError
from zigttp.oci import challenge
from zigttp.oci.auth import Authenticator
from zigttp.oci.credentials import Credentials
from zigttp.oci.reference import Reference
from zigttp.oci.retry import RetryPolicy
from zigttp.oci.status import registry_error
from zigttp.oci.tls import Trust

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


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

    HTTPS with verification unless the registry is on this machine (127.0.0.0/8,
    ::1, localhost) or `insecure` allows plain HTTP; `tls` forces the choice,
    e.g. `tls=True` for a local registry that serves HTTPS.
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
        retry: RetryPolicy | None = None,
    ) -> None:
        plain = not tls if tls is not None else insecure or reference.is_loopback
        if plain and not (insecure or reference.is_loopback):
            raise UsageError(
                f"{reference.registry} is not on this machine: plain HTTP to it "
                "needs insecure=True (--insecure)"
            )
        self.reference = reference
        self.base = httpx.URL(f"{'http' if plain else 'https'}://{reference.registry}")
        self.retry = retry or RetryPolicy()
        self.trust = Trust(ca_bundle, eager=not plain)
        self.client = httpx.Client(
            timeout=timeout,
            verify=self.trust.context,
            follow_redirects=False,
            # A proxy cannot reach this machine's loopback: never send those there.
            trust_env=not reference.is_loopback,
            headers={"User-Agent": f"zigttp/{zigttp.__version__}"},
        )
        self.auth = Authenticator(
            self.client, credentials, self.retry, self.trust, insecure
        )

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.client.close()

    def url(self, path: str) -> httpx.URL:
        """A URL on the registry from a path such as "/v2/"."""
        return self.base.join(path)

    def ping(self) -> None:
        """`GET /v2/`: learn whether and how the registry wants us to log in."""
        url = self.url("/v2/")
        action = f"checking the registry at {url}"
        self.trust.prepare(url)
        response = self.retry.run(action, str(url), lambda: self.client.get(url))

        if response.status_code == 401:
            self.auth.learn(_challenges(response))
        elif response.status_code != 200:
            raise registry_error(response, action)

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
        response = policy.run(action, str(url), lambda: self._authorized(exchange))
        if response.status_code not in expect:
            raise registry_error(response, action, anonymous=self.auth.anonymous)
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
