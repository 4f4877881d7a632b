"""The control plane's JSON API as calls that return data or raise our errors.

    with ControlPlane.from_environment(token) as plane:
        email = plane.verify_token()

Every call has a timeout. Errors keep "no answer" (TransportError) apart from
"an error answer" (ControlPlaneError, or SignInRequired for a rejected token),
and never carry the token or any other header value; what the server says in
them is cleaned (server_text) before anyone sees it.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

import zigttp
from zigttp.errors import (
    ControlPlaneError,
    SignInRequired,
    TransportError,
    UsageError,
    ZigttpError,
)
from zigttp.oci.reference import is_loopback

from . import server_text
from .credentials import check_token

log = logging.getLogger(__name__)

DEFAULT_URL = "https://api.zigttp.dev"
URL_VARIABLE = "ZIGTTP_CONTROL_PLANE_URL"
TIMEOUT_VARIABLE = "ZIGTTP_CONTROL_PLANE_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 30.0
CONNECT_TIMEOUT_SECONDS = 10.0
MAX_DETAIL = 500
USERINFO = re.compile(r"//[^/?#]*@")


def control_plane_url(environ: Mapping[str, str] | None = None) -> str:
    """ZIGTTP_CONTROL_PLANE_URL, else the hosted default; plain HTTP only locally."""
    environ = os.environ if environ is None else environ
    raw = environ.get(URL_VARIABLE, "").strip() or DEFAULT_URL
    # A user name or password in the URL is never shown, whatever else is wrong.
    shown = USERINFO.sub("//...@", raw)
    if shown != raw:
        raise UsageError(
            f"{URL_VARIABLE}={shown!r} holds a user name or password: remove it "
            "(the control plane signs you in with an access token, not with "
            "the URL)"
        )
    try:
        url = httpx.URL(raw)
    except httpx.InvalidURL:
        raise UsageError(
            f"{URL_VARIABLE}={raw!r} is not a URL: give one such as {DEFAULT_URL}"
        ) from None

    if url.scheme not in ("http", "https") or not url.host or url.userinfo:
        raise UsageError(
            f"{URL_VARIABLE}={raw!r}: give an https:// URL such as {DEFAULT_URL}"
        )
    if url.scheme == "http" and not is_loopback(url.host):
        raise UsageError(
            f"{URL_VARIABLE}={raw!r} would send your access token unencrypted: "
            "use https:// (plain http is only for a control plane on this machine)"
        )
    return raw.rstrip("/")


def request_timeout(environ: Mapping[str, str] | None = None) -> float:
    """Seconds one request may take: ZIGTTP_CONTROL_PLANE_TIMEOUT, else 30."""
    return seconds_setting(TIMEOUT_VARIABLE, DEFAULT_TIMEOUT_SECONDS, environ)


def seconds_setting(
    name: str, default: float, environ: Mapping[str, str] | None = None
) -> float:
    """A positive number of seconds (at most an hour) from `name`, else `default`."""
    environ = os.environ if environ is None else environ
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:
        raise UsageError(f"{name}={raw!r}: give seconds between 0 and 3600")
    return seconds


@dataclass(frozen=True)
class Answer:
    """A status the caller expected, and the JSON object that came with it."""

    status: int
    body: dict[str, Any]


class ControlPlane:
    """One control plane, optionally with an access token; a context manager."""

    def __init__(
        self,
        url: str,
        token: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self.url = url
        self.token = token
        self.timeout = timeout
        headers = {"User-Agent": f"zigttp/{zigttp.__version__}"}
        if token:
            check_token(token, "the access token", "sign in again with `zigttp login`")
            headers["Authorization"] = f"Bearer {token}"
        self.http = httpx.Client(
            base_url=url,
            headers=headers,
            timeout=httpx.Timeout(
                timeout, connect=min(timeout, CONNECT_TIMEOUT_SECONDS)
            ),
            follow_redirects=False,
            # Proxies cannot reach this machine's loopback; elsewhere honour them.
            trust_env=not is_loopback(httpx.URL(url).host),
        )

    @classmethod
    def from_environment(cls, token: str | None = None) -> ControlPlane:
        return cls(control_plane_url(), token, request_timeout())

    def with_token(self, token: str) -> ControlPlane:
        """The same control plane, calling as the owner of `token`."""
        return ControlPlane(self.url, token, self.timeout)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> ControlPlane:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def verify_token(self) -> str:
        """The email of the token's account; SignInRequired when it is refused."""
        answer = self.call("POST", "/v1/auth/token/verify", "verify the access token")
        return server_text.field(answer.body, "email")

    def device_start(self) -> dict[str, Any]:
        action = "start device sign-in"
        return self.call("POST", "/v1/auth/device/start", action, body={}).body

    def device_poll(self, device_code: str) -> Answer:
        """200 with the token, 202 while pending; 403 and 410 raise."""
        return self.call(
            "POST",
            "/v1/auth/device/poll",
            "poll device sign-in",
            body={"deviceCode": device_code},
            expected=(200, 202),
        )

    def open_session(self, request: dict[str, Any]) -> Answer:
        """200 with push credentials, or 202 naming the plan to review."""
        return self.call(
            "POST",
            "/v1/deploy/session",
            "open a deploy session",
            body=request,
            expected=(200, 202),
        )

    def release(self, request: dict[str, Any]) -> dict[str, Any]:
        return self.call(
            "POST", "/v1/deploy/release", "release", body=request, expected=(200, 202)
        ).body

    def service(self, service_id: str, timeout: float | None = None) -> dict[str, Any]:
        path = f"/v1/services/{quote(service_id, safe='')}"
        return self.call("GET", path, "read the service", timeout=timeout).body

    def plan(self, plan_id: str) -> dict[str, Any]:
        return self.call("GET", _plan_path(plan_id), "read a plan").body

    def approve(self, plan_id: str, mode: str) -> dict[str, Any]:
        path = _plan_path(plan_id) + "/approve"
        return self.call("POST", path, "approve a plan", body={"mode": mode}).body

    def reject(self, plan_id: str) -> dict[str, Any]:
        path = _plan_path(plan_id) + "/reject"
        return self.call("POST", path, "reject a plan", body={}).body

    def grants(self, project: str | None = None) -> list[dict[str, Any]]:
        path = "/v1/grants"
        if project is not None:
            path = f"/v1/projects/{quote(project, safe='')}/grants"
        found = self.call("GET", path, "list grants").body.get("grants")
        return [item for item in found or [] if isinstance(item, dict)]

    def revoke_grant(self, grant_id: str) -> dict[str, Any]:
        path = f"/v1/grants/{quote(grant_id, safe='')}/revoke"
        return self.call("POST", path, "revoke a grant", body={}).body

    def call(
        self,
        method: str,
        path: str,
        action: str,
        *,
        body: dict[str, Any] | None = None,
        expected: Sequence[int] = (200,),
        timeout: float | None = None,
    ) -> Answer:
        """Send one request; an expected status gives its JSON object."""
        url = f"{self.url}{path}"
        log.debug("%s %s", method, url)
        try:
            response = self.http.request(
                method,
                path,
                json=body,
                timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout,
            )
        except httpx.TimeoutException:
            waited = self.timeout if timeout is None else timeout
            raise TransportError(
                action, url, f"no answer within {waited:.1f} s"
            ) from None
        except httpx.LocalProtocolError:
            raise ZigttpError(
                f"{action}: the request to {url} could not be sent: a header holds "
                "characters HTTP does not allow"
            ) from None
        except httpx.TransportError as error:
            raise TransportError(action, url, _reason(error)) from None

        if response.status_code in expected:
            return Answer(response.status_code, _json_object(response, action))
        raise _error_for(response, action, authenticated=self.token is not None)


def _plan_path(plan_id: str) -> str:
    return f"/v1/deploy/plans/{quote(plan_id, safe='')}"


def _json_object(response: httpx.Response, action: str) -> dict[str, Any]:
    try:
        value = response.json() if response.content else {}
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ControlPlaneError(
            action,
            response.status_code,
            "invalid_answer",
            "the answer is not a JSON object: is ZIGTTP_CONTROL_PLANE_URL the "
            "control plane?",
        )
    return value


def _error_for(
    response: httpx.Response, action: str, authenticated: bool
) -> ControlPlaneError:
    status = response.status_code
    code, detail = _error_body(response)
    if status == 401 or (status == 403 and code == "unauthorized"):
        if not authenticated:
            return SignInRequired(f"{action}: not signed in: run `zigttp login`")
        return SignInRequired(
            f"{action}: the control plane rejected the access token "
            f"({detail or 'unauthorized'}): sign in again with `zigttp login`"
        )
    if 300 <= status < 400:
        where = server_text.clean(response.headers.get("location", ""), 120)
        detail = f"it redirects to {where!r}; set {URL_VARIABLE} to the final address"
    return ControlPlaneError(action, status, code or "http_error", detail)


def _error_body(response: httpx.Response) -> tuple[str, str]:
    """The {"error", "message"} pair, or a short note on what came instead."""
    try:
        value = response.json()
    except ValueError:
        value = None
    if isinstance(value, dict):
        code = server_text.clean(value.get("error") or "", MAX_DETAIL)
        message = server_text.clean(value.get("message") or "", MAX_DETAIL)
        return code, message or code
    reason = server_text.clean(response.reason_phrase or "error", MAX_DETAIL)
    return "", f"{reason} (no JSON error body)"


# Fixed words per failure: httpx's own messages may quote the bytes that were
# sent or received, headers (and so the token) included.
_REASONS: tuple[tuple[type[httpx.TransportError], str], ...] = (
    (
        httpx.ConnectError,
        "connection refused or host unreachable; is the control plane running?",
    ),
    (httpx.ProxyError, "the proxy refused the connection"),
    (httpx.RemoteProtocolError, "the answer was not valid HTTP"),
    (httpx.ReadError, "the connection broke while reading the answer"),
    (httpx.WriteError, "the connection broke while sending the request"),
    (httpx.UnsupportedProtocol, "the URL's protocol is not supported"),
)


def _reason(error: httpx.TransportError) -> str:
    for kind, reason in _REASONS:
        if isinstance(error, kind):
            return reason
    return f"the connection failed ({error.__class__.__name__})"
