"""The HTML pages: sign in with a token, approve a device login, review a plan.

Forms are protected by a CSRF token (a random cookie echoed in a hidden field)
and by SameSite=Strict, HttpOnly cookies; the pages forbid framing.
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from zigttp.controlplane import accounts, plans, secret, web_sessions
from zigttp.controlplane.accounts import Caller
from zigttp.controlplane.plane import ControlPlane
from zigttp.controlplane.web.api import in_transaction
from zigttp.errors import ControlPlaneError

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
SESSION_COOKIE = "zigttp_session"
CSRF_COOKIE = "zigttp_csrf"
SESSION_SECONDS = web_sessions.SESSION_SECONDS
MAX_FORM_BYTES = 16 * 1024
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


async def login_page(request: Request) -> Response:
    return _render(
        request,
        "login.html",
        "Sign in",
        next=_safe_next(request.query_params.get("next")),
    )


async def login_submit(request: Request) -> Response:
    form = await _checked_form(request)
    token = str(form.get("token", "")).strip()
    target = _safe_next(str(form.get("next", "")))

    def work(session: Session) -> str:
        return web_sessions.start(session, accounts.verify(session, token))

    try:
        cookie = await in_transaction(request, work)
    except ControlPlaneError:
        return _render(
            request,
            "login.html",
            "Sign in",
            status=401,
            next=target,
            problem="That token is not valid.",
        )

    response = RedirectResponse(target, status_code=303)
    _set_cookie(response, SESSION_COOKIE, cookie, SESSION_SECONDS)
    return response


async def device_page(request: Request) -> Response:
    caller = await _signed_in(request)
    if caller is None:
        return _to_login(request)
    code = request.query_params.get("code", "")[:16]
    return _render(
        request,
        "device.html",
        "Approve a device sign-in",
        email=caller.email,
        code=code,
    )


async def device_submit(request: Request) -> Response:
    caller = await _signed_in(request)
    if caller is None:
        return _to_login(request)
    form = await _checked_form(request)
    code = str(form.get("user_code", ""))[:16]
    approve = form.get("decision") == "approve"

    try:
        await in_transaction(
            request, lambda s: accounts.decide_device_login(s, code, caller, approve)
        )
    except ControlPlaneError as error:
        return _render(
            request,
            "device.html",
            "Approve a device sign-in",
            status=error.status,
            email=caller.email,
            code=code,
            problem=error.detail,
        )

    message = (
        "Approved: return to your terminal."
        if approve
        else "Denied: the terminal will not be signed in."
    )
    return _render(
        request, "message.html", "Device sign-in", email=caller.email, message=message
    )


async def plan_page(request: Request) -> Response:
    caller = await _signed_in(request)
    if caller is None:
        return _to_login(request)
    plan_id = request.path_params["plan_id"]
    try:
        plan = await in_transaction(
            request, lambda s: _plan(request, s, plan_id, caller)
        )
    except ControlPlaneError as error:
        return _render(
            request,
            "message.html",
            "Plan not found",
            status=error.status,
            email=caller.email,
            message=error.detail,
        )
    return _render(
        request, "plan.html", "Review a deploy plan", email=caller.email, plan=plan
    )


async def plan_submit(request: Request) -> Response:
    caller = await _signed_in(request)
    if caller is None:
        return _to_login(request)
    form = await _checked_form(request)
    plan_id = request.path_params["plan_id"]
    decision = str(form.get("decision", ""))

    def work(session: Session) -> None:
        if decision == "reject":
            plans.reject(session, plan_id, caller)
        else:
            plans.approve(session, plan_id, caller, decision, None)

    try:
        await in_transaction(request, work)
    except ControlPlaneError as error:
        return _render(
            request,
            "message.html",
            "Review a deploy plan",
            status=error.status,
            email=caller.email,
            message=error.detail,
        )
    return RedirectResponse(f"/plans/{quote(plan_id)}", status_code=303)


async def logout(request: Request) -> Response:
    await _checked_form(request)
    cookie = request.cookies.get(SESSION_COOKIE, "")
    await in_transaction(request, lambda s: web_sessions.end(s, cookie))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _plan(
    request: Request, session: Session, plan_id: str, caller: Caller
) -> dict[str, Any]:
    plane: ControlPlane = request.app.state.plane
    plan, project = plans.find(session, plan_id, caller)
    return plans.plan_json(plan, project, plane.settings.public_url)


async def _signed_in(request: Request) -> Caller | None:
    cookie = request.cookies.get(SESSION_COOKIE, "")
    if not cookie:
        return None
    return await in_transaction(request, lambda s: web_sessions.signed_in(s, cookie))


def refused_page(request: Request, error: ControlPlaneError) -> Response:
    """A page's refusal (a failed CSRF check, a form too large) as a small page."""
    return _render(
        request,
        "message.html",
        "Request refused",
        status=error.status,
        message=error.detail,
    )


async def _checked_form(request: Request) -> FormData:
    """The posted form, after the size limit and the CSRF check."""
    declared = request.headers.get("content-length", "")
    if not declared.isdigit() or int(declared) > MAX_FORM_BYTES:
        raise ControlPlaneError(
            "read the form",
            413,
            "payload_too_large",
            f"forms are limited to {MAX_FORM_BYTES} bytes",
        )
    form = await request.form(max_files=0, max_fields=20)
    sent = str(form.get("csrf", ""))
    expected = request.cookies.get(CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(sent, expected):
        raise ControlPlaneError(
            "read the form",
            403,
            "csrf_failed",
            "the form's CSRF token does not match; reload the page and try again",
        )
    return form


def _render(
    request: Request, template: str, title: str, status: int = 200, **values: Any
) -> Response:
    csrf = request.cookies.get(CSRF_COOKIE, "")
    fresh = not csrf or len(csrf) > 100
    if fresh:
        csrf = secret.new_secret()
    context = {"title": title, "csrf": csrf, "email": "", **values}
    response = TEMPLATES.TemplateResponse(
        request, template, context, status_code=status
    )
    response.headers.update(HEADERS)
    if fresh:
        _set_cookie(response, CSRF_COOKIE, csrf, SESSION_SECONDS)
    return response


def _to_login(request: Request) -> Response:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def _safe_next(target: str | None) -> str:
    """Only paths on this server: never an open redirect to another site."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/device"
    if "\\" in target or any(ord(char) < 32 for char in target):
        return "/device"
    return target


def _set_cookie(response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", httponly=True, samesite="strict"
    )


ROUTES = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login_submit, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/device", device_page, methods=["GET"]),
    Route("/device", device_submit, methods=["POST"]),
    Route("/plans/{plan_id}", plan_page, methods=["GET"]),
    Route("/plans/{plan_id}", plan_submit, methods=["POST"]),
    Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
]
