"""Host-header routing: `http://SERVICE.localhost:PORT/` reaches a service's release."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from zigttp.controlplane.providers.base import Provider

log = logging.getLogger(__name__)
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)
SUFFIX = ".localhost"


def service_host(scope: Scope) -> str | None:
    """The service hostname a request is for, or None when it is for the API."""
    for name, value in scope.get("headers", []):
        if name == b"host":
            host = bytes(value).decode("latin-1").rsplit(":", 1)[0].lower().rstrip(".")
            if host.endswith(SUFFIX) and host != "localhost":
                return host
            return None
    return None


class ServiceProxy:
    """Forwards a request to the upstream the provider names for its host."""

    def __init__(self, provider: Provider, max_body: int) -> None:
        self.provider = provider
        self.max_body = max_body
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(60.0, connect=5.0), trust_env=False
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        hostname = service_host(scope) or ""
        request = Request(scope, receive)
        response = await self._forward(hostname, request)
        await response(scope, receive, send)

    async def _forward(self, hostname: str, request: Request) -> Response:
        upstream = self.provider.upstream(hostname)
        if upstream is None:
            return _problem(
                404, "service_not_found", f"no ready service answers at {hostname}"
            )

        body = await self._body(request)
        if body is None:
            return _problem(
                413,
                "payload_too_large",
                f"the body is larger than {self.max_body} bytes",
            )

        headers = [
            (k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP
        ]
        headers.append(("x-forwarded-host", request.headers.get("host", "")))
        if request.client is not None:
            headers.append(("x-forwarded-for", request.client.host))
        host, port = upstream
        # The raw target, never joined as a URL: "//other.host/" stays a path.
        target = request.scope.get("raw_path") or request.url.path.encode()
        if request.scope.get("query_string"):
            target += b"?" + request.scope["query_string"]
        url = httpx.URL(scheme="http", host=host, port=port, raw_path=target)

        try:
            outgoing = self.client.build_request(
                request.method, url, headers=headers, content=body
            )
            _drop_added_defaults(outgoing, request)
            answer = await self.client.send(outgoing, stream=True)
        except httpx.TransportError as error:
            log.warning("proxy to %s failed: %s", hostname, error)
            return _problem(
                502, "service_unavailable", f"the service at {hostname} did not answer"
            )

        kept = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP}
        return StreamingResponse(
            _relay(answer), status_code=answer.status_code, headers=kept
        )

    async def _body(self, request: Request) -> bytes | None:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            return None
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > self.max_body:
                return None
        return bytes(body)

    async def close(self) -> None:
        await self.client.aclose()


async def _relay(answer: httpx.Response) -> AsyncIterator[bytes]:
    try:
        async for chunk in answer.aiter_raw():
            yield chunk
    finally:
        await answer.aclose()


def _drop_added_defaults(outgoing: httpx.Request, incoming: Request) -> None:
    """httpx adds Accept-Encoding and User-Agent; send only what the client sent."""
    for name in ("accept-encoding", "user-agent"):
        if name not in incoming.headers and name in outgoing.headers:
            del outgoing.headers[name]


def _problem(status: int, code: str, message: str) -> Response:
    return JSONResponse({"error": code, "message": message}, status_code=status)
