"""Deploy sessions: check the contract, review it, and hand out push credentials."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zigttp import canonical
from zigttp.controlplane import audit, plans, review, secret
from zigttp.controlplane.accounts import Caller
from zigttp.controlplane.config import Settings
from zigttp.controlplane.models import Plan, Project, RegistryCredential, Service
from zigttp.errors import ControlPlaneError

PROJECT_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_SHA = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Answer:
    """The status code and JSON body of a session request."""

    status: int
    body: dict[str, Any]


def check_project_name(name: Any, action: str) -> str:
    if not isinstance(name, str) or not PROJECT_NAME.fullmatch(name):
        raise ControlPlaneError(
            action,
            400,
            "invalid_project_name",
            "projectName must be 1-63 of a-z, 0-9 and '-', "
            "starting and ending with a letter or digit",
        )
    return name


def check_region(region: Any, settings: Settings, action: str) -> str:
    if not isinstance(region, str) or region not in settings.regions:
        raise ControlPlaneError(
            action,
            400,
            "unknown_region",
            f"region {str(region)[:40]!r} is not known; known regions: "
            f"{', '.join(settings.regions)}",
        )
    return region


def open_session(
    session: Session, caller: Caller, settings: Settings, request: dict[str, Any]
) -> Answer:
    """200 with credentials, 202 naming a plan to approve, or 409: contract rejected."""
    action = "open a deploy session"
    name = check_project_name(request.get("projectName"), action)
    region = check_region(request.get("region"), settings, action)
    contract = review.check_contract(request.get("contract"))
    sha = _checked_sha(contract, request.get("contractSha256"))

    project = _project(session, caller, name, settings)
    if project.baseline_contract is None:
        _set_baseline(project, contract, sha)
        audit.record(
            session,
            "baseline.set",
            project.name,
            caller.account_id,
            sha=sha,
            reason="first deploy: no baseline to review against",
        )
        return _granted(session, caller, project, region, settings, [])

    baseline = json.loads(project.baseline_contract)
    reasons = review.reasons(baseline, contract)
    if not reasons:
        if sha != project.baseline_sha:
            _set_baseline(project, contract, sha)
        return _granted(session, caller, project, region, settings, [])

    approved = _approved_plan(session, project, sha)
    if approved is not None:
        approved.status = plans.CONSUMED
        audit.record(
            session,
            "plan.consume",
            approved.id,
            caller.account_id,
            project=project.name,
            sha=sha,
        )
        _set_baseline(project, contract, sha)
        return _granted(session, caller, project, region, settings, [])

    grants = plans.active_grants(session, project)
    covered, uncovered = plans.coverage(grants, reasons)
    if not uncovered:
        used = [
            grant.id
            for grant in grants
            if set(json.loads(grant.capabilities)) & set(covered)
        ]
        audit.record(
            session, "grant.use", project.name, caller.account_id, grants=used, sha=sha
        )
        _set_baseline(project, contract, sha)
        return _granted(session, caller, project, region, settings, used)

    rejected = plans.rejection(session, project, sha, settings.public_url)
    if rejected is not None:
        return Answer(409, rejected)

    plan = plans.create(
        session, project, contract, sha, reasons, covered, settings.plan_expiry_seconds
    )
    body = plans.plan_json(plan, project, settings.public_url)
    body["status"] = "plan_required"
    return Answer(202, body)


def find_project(session: Session, caller: Caller, name: str) -> Project:
    project = session.scalar(
        select(Project).where(
            Project.account_id == caller.account_id, Project.name == name
        )
    )
    if project is None:
        raise ControlPlaneError(
            "find the project",
            404,
            "project_not_found",
            f"you have no project {name!r}; open a deploy session first",
        )
    return project


def _checked_sha(contract: dict[str, Any], claimed: Any) -> str:
    if not isinstance(claimed, str) or not _SHA.fullmatch(claimed):
        raise ControlPlaneError(
            "open a deploy session",
            400,
            "invalid_contract_sha",
            "contractSha256 must be 64 lowercase hex digits",
        )
    actual = canonical.sha256_hex(contract)
    if actual != claimed:
        raise ControlPlaneError(
            "open a deploy session",
            400,
            "contract_sha_mismatch",
            f"contractSha256 {claimed} does not match the contract sent "
            f"(its canonical sha256 is {actual})",
        )
    return actual


def _project(
    session: Session, caller: Caller, name: str, settings: Settings
) -> Project:
    found = session.scalar(
        select(Project).where(
            Project.account_id == caller.account_id, Project.name == name
        )
    )
    if found is not None:
        return found

    project = Project(
        id=secret.new_id("prj"),
        account_id=caller.account_id,
        name=name,
        scope_id=secret.new_id("scp"),
        hosting_plan=settings.hosting_plan,
        created_at=time.time(),
    )
    session.add(project)
    session.flush()
    audit.record(session, "project.create", name, caller.account_id)
    return project


def _set_baseline(project: Project, contract: dict[str, Any], sha: str) -> None:
    project.baseline_contract = json.dumps(contract)
    project.baseline_sha = sha


def _approved_plan(session: Session, project: Project, sha: str) -> Plan | None:
    return session.scalar(
        select(Plan).where(
            Plan.project_id == project.id,
            Plan.proposed_sha == sha,
            Plan.baseline_sha == project.baseline_sha,
            Plan.status == plans.APPROVED,
        )
    )


def _granted(
    session: Session,
    caller: Caller,
    project: Project,
    region: str,
    settings: Settings,
    grant_ids: list[str],
) -> Answer:
    username = f"s-{secret.new_id('reg').split('_', 1)[1]}"
    password = secret.new_secret()
    expires_at = time.time() + settings.credential_seconds
    session.add(
        RegistryCredential(
            id=secret.new_id("crd"),
            username=username,
            password_hash=secret.digest(password),
            account_id=caller.account_id,
            project_id=project.id,
            namespace=caller.namespace,
            created_at=time.time(),
            expires_at=expires_at,
        )
    )
    audit.record(
        session,
        "session.open",
        project.name,
        caller.account_id,
        region=region,
        sha=project.baseline_sha,
    )

    body: dict[str, Any] = {
        "scopeId": project.scope_id,
        "planId": project.hosting_plan,
        "region": region,
        "registryHost": settings.registry_host,
        "namespace": caller.namespace,
        "repository": f"{caller.namespace}/{project.name}",
        "registryUsername": username,
        "registryPassword": password,
        "expiresAt": plans.iso(expires_at),
        "urlHint": service_url(session, settings, caller.namespace, project, region),
    }
    if grant_ids:
        body["grantIds"] = grant_ids
    return Answer(200, body)


def service_hostname(namespace: str, project: str, region: str) -> str:
    """`{project}.{region}.{namespace}.localhost`: one DNS label for each part.

    Names may hold '-', so joining two of them in one label could make the same
    host for different services (x-us + central, x + us-central); separate
    labels cannot. Each part is a valid label already (at most 63 characters).
    """
    return f"{project}.{region}.{namespace}.localhost"


def service_url(
    session: Session, settings: Settings, namespace: str, project: Project, region: str
) -> str:
    """The service's URL: as stored once it exists, else as it will be made."""
    hostname = session.scalar(
        select(Service.hostname).where(
            Service.project_id == project.id, Service.region == region
        )
    ) or service_hostname(namespace, project.name, region)
    return f"http://{hostname}:{settings.port}/"
