"""Registry authentication: anonymous, Basic, or Bearer tokens per scope.

The registry says which scheme it wants in the WWW-Authenticate header of a 401
(to `GET /v2/` or to any later request). Bearer tokens come from the realm the
challenge names, one `scope` query parameter per scope, and are kept per set of
scopes until shortly before they expire.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from zigttp.errors import RegistryAuthError, RegistryError
from zigttp.oci import challenge
from zigttp.oci.credentials import Credentials
from zigttp.oci.reference import is_loopback
from zigttp.oci.status import registry_error, unauthorized
from zigttp.oci.tls import Trust

log = logging.getLogger(__name__)

Run = Callable[[str, str, Callable[[], httpx.Response]], httpx.Response]
"""Sends a request under the session's retries: run(action, url, send)."""

# The token spec's default lifetime when the server does not say.
DEFAULT_TOKEN_SECONDS = 60


@dataclass(frozen=True)
class _Token:
    value: str
    renew_at: float


class Authenticator:
    """Builds the Authorization header for requests to one registry."""

    def __init__(
        self,
        client: httpx.Client,
        credentials: Credentials | None,
        run: Run,
        trust: Trust,
        insecure: bool = False,
        unused: str = "",
    ) -> None:
        self._client = client
        self._trust = trust
        self._credentials = credentials
        self._run = run
        self._insecure = insecure
        self._unused = unused
        self._challenge: challenge.Challenge | None = None
        self._tokens: dict[tuple[str, ...], _Token] = {}
        self._lock = threading.Lock()

    def learn(self, challenges: list[challenge.Challenge]) -> None:
        """Remember the scheme a 401 asked for (Bearer preferred over Basic)."""
        chosen = challenge.preferred(challenges)
        if chosen is None and challenges:
            schemes = ", ".join(sorted({c.scheme for c in challenges}))
            raise RegistryAuthError(
                "authenticating to the registry",
                401,
                detail=f"it asks for {schemes}, which zigttp does not speak",
            )
        with self._lock:
            self._challenge = chosen

    def header(self, scopes: Sequence[str]) -> str | None:
        """The Authorization value for a request needing `scopes`, or None."""
        with self._lock:
            chosen = self._challenge
        if chosen is None:
            return None
        if chosen.scheme == "basic":
            return self._credentials.basic() if self._credentials else None
        return "Bearer " + self._token(chosen, scopes)

    def rejected(
        self, challenges: list[challenge.Challenge], scopes: Sequence[str]
    ) -> None:
        """A request was answered 401: learn the new challenge, forget old tokens.

        The challenge may name a scope the request needs beyond the ones asked
        for (a mount needs pull on the source repository): the next token asks
        for those too.
        """
        self.learn(challenges)
        chosen = challenge.preferred(challenges)
        with self._lock:
            self._tokens.pop(_key(scopes), None)
            if chosen is not None and chosen.scopes:
                self._tokens.pop(_key([*scopes, *chosen.scopes]), None)

        if chosen is not None and chosen.scheme == "basic" and self.anonymous:
            raise RegistryAuthError(
                "authenticating to the registry", 401, detail=self.login_hint
            )

    @property
    def anonymous(self) -> bool:
        """True when we have no credentials to offer."""
        return self._credentials is None

    @property
    def login_hint(self) -> str:
        """What to tell a person the registry refused: which credentials, from where."""
        source = self._credentials.source if self._credentials else None
        return unauthorized(source, self._unused)

    def error(
        self, response: httpx.Response, action: str, tries: int = 1
    ) -> RegistryError:
        """The error for an answer we cannot use, with the login hint for a 401."""
        return registry_error(
            response,
            action,
            tries=tries,
            anonymous=self.anonymous,
            login=self.login_hint,
        )

    def _token(self, chosen: challenge.Challenge, scopes: Sequence[str]) -> str:
        wanted = _key([*scopes, *chosen.scopes])
        with self._lock:
            cached = self._tokens.get(wanted)
            if cached is not None and time.monotonic() < cached.renew_at:
                return cached.value

            token = self._fetch(chosen, wanted)
            self._tokens[wanted] = token
            return token.value

    def _fetch(self, chosen: challenge.Challenge, scopes: tuple[str, ...]) -> _Token:
        realm = chosen.params.get("realm", "")
        action = f"getting a registry token from {realm or '(no realm)'}"
        url = self._realm_url(realm, action)

        query: dict[str, str | list[str]] = {"scope": list(scopes)}
        if "service" in chosen.params:
            query = {"service": chosen.params["service"], **query}
        params = httpx.QueryParams(query)
        headers = {}
        if self._credentials is not None:
            headers["Authorization"] = self._credentials.basic()

        self._trust.prepare(url)
        response = self._run(
            action,
            str(url),
            lambda: self._client.get(url, params=params, headers=headers),
        )
        if response.status_code != 200:
            raise self.error(response, action)

        log.debug("got a registry token for %s", " ".join(scopes) or "no scope")
        return _read_token(response, action)

    def _realm_url(self, realm: str, action: str) -> httpx.URL:
        """The token endpoint, refusing plain HTTP to hosts off this machine."""
        try:
            url = httpx.URL(realm)
        except httpx.InvalidURL:
            url = httpx.URL("")
        if url.scheme not in ("http", "https") or not url.host:
            raise RegistryAuthError(
                action, 401, detail="the challenge names no usable token URL"
            )
        if url.scheme == "http" and not (self._insecure or is_loopback(url.host)):
            raise RegistryAuthError(
                action,
                401,
                detail="the token URL is plain HTTP to another host; credentials "
                "would travel unencrypted (allow it with insecure=True)",
            )
        return url


def _read_token(response: httpx.Response, action: str) -> _Token:
    try:
        body = response.json()
    except ValueError:
        body = None
    value = (
        body.get("token") or body.get("access_token")
        if isinstance(body, dict)
        else None
    )
    if not isinstance(value, str) or not value:
        raise RegistryError(action, 200, detail="the answer holds no token")

    lifetime = body.get("expires_in") if isinstance(body, dict) else None
    if not isinstance(lifetime, int | float) or lifetime <= 0:
        lifetime = DEFAULT_TOKEN_SECONDS
    # Renew a little early, so a token never expires between check and use.
    margin = min(30.0, lifetime / 5)
    return _Token(value, time.monotonic() + lifetime - margin)


def _key(scopes: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted(set(scopes)))
