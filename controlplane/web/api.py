"""The JSON API of control-plane.md: auth, deploy sessions, releases, review, grants.

Errors are `{"error": CODE, "message": TEXT}`; `message` is one line written for
people, and is what the CLI prints. Two refusals carry more fields:

    POST /v1/deploy/session  409 plan_rejected: this exact contract's newest plan
        was rejected; + planId, projectName, proposedSha, rejectedBy (email),
        rejectedAt (RFC 3339), reviewUrl. It answers so until the contract changes.
    POST /v1/deploy/release  409 contract_not_approved: the manifest annotation or
        the contract inside the handler binary is not the approved one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from zigttp.controlplane import (
    accounts,
    image_contract,
    plans,
    registry_access,
    releases,
    sessions,
)
from zigttp.controlplane.accounts import Caller
from zigttp.controlplane.plane import ControlPlane
from zigttp.controlplane.registry_auth import parse_scopes
from zigttp.errors import ControlPlaneError

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_JSON_DEPTH = 32
"""Requests nest a few levels (a contract's routes); deeper bodies are refused
before any code walks them recursively."""
_TOO_DEEP = f"the body nests lists or objects more than {MAX_JSON_DEPTH} deep"


async def read_json(request: Request) -> dict[str, Any]:
    """The request body as a JSON object, within the size limit, or a 4xx."""
    plane: ControlPlane = request.app.state.plane
    limit = plane.settings.max_body_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)

    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _too_large(limit)

    try:
        value = json.loads(bytes(body) or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _invalid_json(f"the body is not valid JSON: {error}") from None
    except RecursionError:
        raise _invalid_json(_TOO_DEEP) from None
    if not isinstance(value, dict):
        raise _invalid_json("the body must be a JSON object")
    if _nesting(value) > MAX_JSON_DEPTH:
        raise _invalid_json(_TOO_DEEP)
    return value


def _nesting(value: Any) -> int:
    """How deeply lists and objects nest in `value`, counted without recursion."""
    deepest = 0
    waiting: list[tuple[Any, int]] = [(value, 1)]
    while waiting:
        item, depth = waiting.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if not isinstance(item, list):
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        waiting.extend((child, depth + 1) for child in item)
    return deepest


def _invalid_json(problem: str) -> ControlPlaneError:
    return ControlPlaneError("read the request", 400, "invalid_json", problem)


async def in_transaction(request: Request, work: Callable[[Session], T]) -> T:
    """Run `work` in one database transaction on a worker thread."""
    plane: ControlPlane = request.app.state.plane

    def run() -> T:
        with plane.database.transaction() as session:
            return work(session)

    return await run_in_threadpool(run)


async def caller_of(request: Request) -> Caller:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ControlPlaneError(
            "authenticate",
            401,
            "unauthorized",
            "send an access token as Authorization: Bearer <token>",
        )
    return await in_transaction(request, lambda s: accounts.verify(s, token.strip()))


async def device_start(request: Request) -> Response:
    plane: ControlPlane = request.app.state.plane
    await read_json(request)
    lifetime = plane.settings.device_expiry_seconds
    device_code, user_code = await in_transaction(
        request, lambda s: accounts.start_device_login(s, lifetime)
    )
    return JSONResponse(
        {
            "deviceCode": device_code,
            "userCode": user_code,
            "verificationUrl": f"{plane.settings.public_url}/device",
            "intervalSeconds": plane.settings.device_interval,
            "expiresInSeconds": lifetime,
        }
    )


async def device_poll(request: Request) -> Response:
    plane: ControlPlane = request.app.state.plane
    body = await read_json(request)
    code = body.get("deviceCode")
    if not isinstance(code, str) or not 0 < len(code) <= 200:
        raise ControlPlaneError(
            "poll device login", 400, "invalid_device_code", "deviceCode is required"
        )
    interval = plane.settings.device_interval
    state, answer = await in_transaction(
        request, lambda s: accounts.poll_device_login(s, code, interval)
    )
    if state == "approved":
        return JSONResponse(answer)
    if state == "slow_down":
        return JSONResponse({"status": "pending", "slowDown": True}, status_code=202)
    return JSONResponse({"status": "pending"}, status_code=202)


async def token_verify(request: Request) -> Response:
    caller = await caller_of(request)
    return JSONResponse({"email": caller.email, "namespace": caller.namespace})


async def deploy_session(request: Request) -> Response:
    plane: ControlPlane = request.app.state.plane
    caller = await caller_of(request)
    body = await read_json(request)
    answer = await in_transaction(
        request, lambda s: sessions.open_session(s, caller, plane.settings, body)
    )
    return JSONResponse(answer.body, status_code=answer.status)


async def deploy_release(request: Request) -> Response:
    plane: ControlPlane = request.app.state.plane
    caller = await caller_of(request)
    body = await read_json(request)
    project, region, digest, env = await in_transaction(
        request, lambda s: releases.check_request(s, caller, plane.settings, body)
    )

    # The annotation is cheap to read and refuses most mistakes; the contract
    # inside the binary is the one that counts, and needs the whole image.
    repository = f"{caller.namespace}/{project.name}"
    annotations = await run_in_threadpool(plane.images.annotations, repository, digest)
    releases.check_contract_stamp(project, annotations)
    image = await run_in_threadpool(plane.images.release_image, repository, digest)
    image_contract.check(image, project.name, project.baseline_sha)

    service, release, deployment = await in_transaction(
        request,
        lambda s: releases.create(
            s,
            caller,
            plane.settings,
            plane.sealer,
            s.merge(project),
            region,
            digest,
            env,
        ),
    )
    plane.provider.deploy(deployment)
    return JSONResponse(
        {
            "serviceId": service.id,
            "url": releases.url_of(plane.settings, service),
            "releaseId": release.id,
        },
        status_code=202,
    )


async def service_status(request: Request) -> Response:
    plane: ControlPlane = request.app.state.plane
    caller = await caller_of(request)
    service_id = request.path_params["service_id"]
    status = plane.provider.status(service_id)
    body = await in_transaction(
        request,
        lambda s: releases.service_json(s, caller, plane.settings, service_id, status),
    )
    return JSONResponse(body)


async def plan_read(request: Request) -> Response:
    plane: ControlPlane = request.app.state.plane
    caller = await caller_of(request)
    plan_id = request.path_params["plan_id"]

    def work(session: Session) -> dict[str, Any]:
        plan, project = plans.find(session, plan_id, caller)
        return plans.plan_json(plan, project, plane.settings.public_url)

    return JSONResponse(await in_transaction(request, work))


async def plan_approve(request: Request) -> Response:
    plane: ControlPlane = request.app.state.plane
    caller = await caller_of(request)
    body = await read_json(request)
    plan_id = request.path_params["plan_id"]
    mode, expires = body.get("mode", "once"), body.get("expiresAt")

    def work(session: Session) -> dict[str, Any]:
        plan, grant = plans.approve(session, plan_id, caller, str(mode), expires)
        plan, project = plans.find(session, plan.id, caller)
        answer = plans.plan_json(plan, project, plane.settings.public_url)
        if grant is not None:
            answer["grant"] = plans.grant_json(grant, project)
        return answer

    return JSONResponse(await in_transaction(request, work))


async def plan_reject(request: Request) -> Response:
    plane: ControlPlane = request.app.state.plane
    caller = await caller_of(request)
    await read_json(request)
    plan_id = request.path_params["plan_id"]

    def work(session: Session) -> dict[str, Any]:
        plan = plans.reject(session, plan_id, caller)
        plan, project = plans.find(session, plan.id, caller)
        return plans.plan_json(plan, project, plane.settings.public_url)

    return JSONResponse(await in_transaction(request, work))


async def grants_list(request: Request) -> Response:
    caller = await caller_of(request)
    name = request.path_params.get("name")
    if name is not None:
        sessions.check_project_name(name, "list grants")
    found = await in_transaction(request, lambda s: plans.grants_of(s, caller, name))
    return JSONResponse({"grants": found})


async def grant_revoke(request: Request) -> Response:
    caller = await caller_of(request)
    await read_json(request)
    grant_id = request.path_params["grant_id"]
    revoked = await in_transaction(request, lambda s: plans.revoke(s, grant_id, caller))
    return JSONResponse(revoked)


async def registry_token(request: Request) -> Response:
    """The registry's token endpoint: Basic credentials in, a scoped JWT out."""
    plane: ControlPlane = request.app.state.plane
    username, password = registry_access.basic_credentials(
        request.headers.get("authorization")
    )
    wanted = parse_scopes(request.query_params.getlist("scope"))

    subject, granted, expires_at = await in_transaction(
        request,
        lambda s: registry_access.allowed(
            s, username, password, wanted, plane.puller_password
        ),
    )
    lifetime = plane.token_lifetime(expires_at)
    token = plane.issuer.issue(subject, granted, lifetime)
    return JSONResponse(
        {
            "token": token,
            "access_token": token,
            "expires_in": lifetime,
        }
    )


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def _too_large(limit: int) -> ControlPlaneError:
    return ControlPlaneError(
        "read the request",
        413,
        "payload_too_large",
        f"the body is larger than {limit} bytes",
    )


ROUTES = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/v1/auth/device/start", device_start, methods=["POST"]),
    Route("/v1/auth/device/poll", device_poll, methods=["POST"]),
    Route("/v1/auth/token/verify", token_verify, methods=["POST"]),
    Route("/v1/deploy/session", deploy_session, methods=["POST"]),
    Route("/v1/deploy/release", deploy_release, methods=["POST"]),
    Route("/v1/services/{service_id}", service_status, methods=["GET"]),
    Route("/v1/deploy/plans/{plan_id}", plan_read, methods=["GET"]),
    Route("/v1/deploy/plans/{plan_id}/approve", plan_approve, methods=["POST"]),
    Route("/v1/deploy/plans/{plan_id}/reject", plan_reject, methods=["POST"]),
    Route("/v1/grants", grants_list, methods=["GET"]),
    Route("/v1/projects/{name}/grants", grants_list, methods=["GET"]),
    Route("/v1/grants/{grant_id}/revoke", grant_revoke, methods=["POST"]),
    Route("/v1/registry/token", registry_token, methods=["GET"]),
]
