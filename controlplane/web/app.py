"""The ASGI application: API and pages on our own host, the proxy for services."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from zigttp.controlplane.plane import ControlPlane
from zigttp.controlplane.web import api, pages
from zigttp.controlplane.web.proxy import ServiceProxy, service_host
from zigttp.errors import ControlPlaneError

log = logging.getLogger(__name__)
API_PATHS = ("/v1/", "/healthz")
"""Paths that answer JSON; the rest are the HTML pages people use in a browser."""


class Application:
    """Sends service hostnames to the proxy and everything else to the API."""

    def __init__(self, plane: ControlPlane) -> None:
        self.plane = plane
        self.proxy = ServiceProxy(plane.provider, plane.settings.max_proxy_body_bytes)
        self.api = _starlette(plane, self.proxy)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and service_host(scope) is not None:
            await self.proxy(scope, receive, send)
            return
        await self.api(scope, receive, send)


def _starlette(plane: ControlPlane, proxy: ServiceProxy) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await proxy.close()

    app = Starlette(
        routes=[*api.ROUTES, *pages.ROUTES],
        exception_handlers={
            ControlPlaneError: _refused,
            HTTPException: _http_error,
            Exception: _internal_error,
        },
        lifespan=lifespan,
    )
    app.state.plane = plane
    return app


async def _refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, ControlPlaneError)
    if not request.url.path.startswith(API_PATHS):
        return pages.refused_page(request, error)

    headers = {}
    if error.status == 401 and request.url.path == "/v1/registry/token":
        headers["WWW-Authenticate"] = 'Basic realm="zigttp registry tokens"'
    return JSONResponse(
        {"error": error.code, "message": error.detail},
        status_code=error.status,
        headers=headers,
    )


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(
        error.status_code, "http_error"
    )
    return JSONResponse(
        {
            "error": code,
            "message": f"{request.method} {request.url.path}: {error.detail}",
        },
        status_code=error.status_code,
    )


async def _internal_error(request: Request, error: Exception) -> Response:
    log.error(
        "%s %s failed: %s",
        request.method,
        request.url.path,
        error.__class__.__name__,
        exc_info=error,
    )
    return JSONResponse(
        {"error": "internal", "message": "the control plane failed; see its log"},
        status_code=500,
    )
