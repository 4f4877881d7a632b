"""Releases: point a service at an image digest with its env, and report its state."""

from __future__ import annotations

import re
import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zigttp import dotenv
from zigttp.controlplane import audit, secret, sessions
from zigttp.controlplane.accounts import Caller
from zigttp.controlplane.config import Settings
from zigttp.controlplane.models import Account, Project, Release, Service
from zigttp.controlplane.providers.base import Deployment, Status
from zigttp.controlplane.secret import Sealer
from zigttp.errors import ControlPlaneError

DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
MAX_ENV_VALUE = dotenv.MAX_VALUE_BYTES
MAX_ENV_COUNT = dotenv.MAX_NAMES
CONTRACT_ANNOTATION = "dev.zigttp.contract.sha256"


def check_request(
    session: Session, caller: Caller, settings: Settings, request: dict[str, Any]
) -> tuple[Project, str, str, dict[str, str]]:
    """(project, region, digest, env) from a release request, or a 4xx."""
    action = "release"
    name = sessions.check_project_name(request.get("projectName"), action)
    region = sessions.check_region(request.get("region"), settings, action)
    project = sessions.find_project(session, caller, name)
    if request.get("scopeId") != project.scope_id:
        raise ControlPlaneError(
            action,
            403,
            "scope_mismatch",
            f"scopeId does not belong to project {name}; open a new deploy session",
        )

    digest = request.get("digest")
    if not isinstance(digest, str) or not DIGEST.fullmatch(digest):
        raise ControlPlaneError(
            action, 400, "invalid_digest", "digest must be sha256:<64 hex digits>"
        )
    return project, region, digest, _checked_env(request.get("env", {}))


def check_contract_stamp(project: Project, annotations: dict[str, str]) -> None:
    """Refuse an image whose stamped contract is not the project's approved one."""
    stamped = annotations.get(CONTRACT_ANNOTATION)
    if stamped != project.baseline_sha:
        found = f"contract {stamped}" if stamped else "no contract annotation"
        raise ControlPlaneError(
            "release",
            409,
            "contract_not_approved",
            f"the image carries {found}, but the approved contract of "
            f"{project.name} is {project.baseline_sha}; deploy it through a session",
        )


def create(
    session: Session,
    caller: Caller,
    settings: Settings,
    sealer: Sealer,
    project: Project,
    region: str,
    digest: str,
    env: dict[str, str],
) -> tuple[Service, Release, Deployment]:
    """Record the release (env sealed) and what the provider should run."""
    service = session.scalar(
        select(Service).where(
            Service.project_id == project.id, Service.region == region
        )
    )
    if service is None:
        service = Service(
            id=secret.new_id("svc"),
            project_id=project.id,
            region=region,
            hostname=sessions.service_hostname(caller.namespace, project.name, region),
            created_at=time.time(),
        )
        session.add(service)
        session.flush()
        audit.record(
            session,
            "service.create",
            service.id,
            caller.account_id,
            project=project.name,
            region=region,
        )

    release = Release(
        id=secret.new_id("rel"),
        service_id=service.id,
        digest=digest,
        env_sealed=sealer.seal(env),
        created_by=caller.account_id,
        created_at=time.time(),
    )
    session.add(release)
    service.current_release_id = release.id
    audit.record(
        session,
        "release.create",
        release.id,
        caller.account_id,
        project=project.name,
        region=region,
        digest=digest,
        envNames=sorted(env),
    )

    deployment = Deployment(
        service_id=service.id,
        release_id=release.id,
        hostname=service.hostname,
        repository=f"{caller.namespace}/{project.name}",
        digest=digest,
        env=env,
    )
    return service, release, deployment


def current_deployments(session: Session, sealer: Sealer) -> list[Deployment]:
    """Every service's current release, to relaunch after a restart."""
    query = (
        select(Service, Release, Project, Account)
        .join(Release, Service.current_release_id == Release.id)
        .join(Project, Service.project_id == Project.id)
        .join(Account, Project.account_id == Account.id)
    )
    return [
        Deployment(
            service_id=service.id,
            release_id=release.id,
            hostname=service.hostname,
            repository=f"{account.namespace}/{project.name}",
            digest=release.digest,
            env=sealer.open(release.env_sealed),
        )
        for service, release, project, account in session.execute(query)
    ]


def service_json(
    session: Session,
    caller: Caller,
    settings: Settings,
    service_id: str,
    status: Status | None,
) -> dict[str, Any]:
    """The caller's service and its newest release's state; others' are a 404."""
    service = session.get(Service, service_id) if len(service_id) <= 40 else None
    project = session.get(Project, service.project_id) if service else None
    if service is None or project is None or project.account_id != caller.account_id:
        raise ControlPlaneError(
            "read a service",
            404,
            "service_not_found",
            f"no service {service_id[:40]!r} in your projects",
        )

    release = session.get(Release, service.current_release_id or "")
    body: dict[str, Any] = {
        "serviceId": service.id,
        "projectName": project.name,
        "status": "pending",
        "url": url_of(settings, service),
        "digest": release.digest if release else None,
        "region": service.region,
        "releaseId": release.id if release else None,
    }
    if status is not None and release is not None and status.release_id == release.id:
        body["status"] = status.state
        if status.message:
            body["message"] = status.message
        if status.log_tail:
            body["logTail"] = list(status.log_tail)
    return body


def url_of(settings: Settings, service: Service) -> str:
    return f"http://{service.hostname}:{settings.port}/"


def _checked_env(env: Any) -> dict[str, str]:
    if not isinstance(env, dict) or len(env) > MAX_ENV_COUNT:
        raise ControlPlaneError(
            "release",
            400,
            "invalid_env",
            f"env must be an object of at most {MAX_ENV_COUNT} names",
        )
    for key, value in env.items():
        if not ENV_NAME.fullmatch(key):
            raise ControlPlaneError(
                "release",
                400,
                "invalid_env",
                f"env name {key[:64]!r} must match [A-Za-z_][A-Za-z0-9_]*",
            )
        problem = _value_problem(value)
        if problem:
            raise ControlPlaneError(
                "release", 400, "invalid_env", f"the value of {key} {problem}"
            )
    return {str(key): str(value) for key, value in env.items()}


def _value_problem(value: Any) -> str:
    """Why `value` cannot be an env value ("" if it can); never quotes the value."""
    if not isinstance(value, str):
        return "must be a string"
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        return "is not valid Unicode text (it holds a lone surrogate)"
    if size > MAX_ENV_VALUE:
        return f"is longer than {MAX_ENV_VALUE} bytes"
    found = dotenv.CONTROL.search(value)
    if found:
        code = f"0x{ord(found.group()):02x}"
        return f"holds a control character ({code}) that no environment can carry"
    return ""
