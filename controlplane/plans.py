"""Review plans and grants: the record of what a person approved, once or for good."""

from __future__ import annotations

import datetime
import json
import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zigttp import timestamps
from zigttp.controlplane import audit, secret
from zigttp.controlplane.accounts import Caller
from zigttp.controlplane.models import Account, Grant, Plan, Project
from zigttp.errors import ControlPlaneError

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
EXPIRED, CONSUMED = "expired", "consumed"


def active_grants(session: Session, project: Project) -> list[Grant]:
    now = time.time()
    rows = session.scalars(
        select(Grant).where(Grant.project_id == project.id, Grant.revoked_at.is_(None))
    )
    return [row for row in rows if row.expires_at is None or row.expires_at > now]


def coverage(grants: list[Grant], reasons: list[str]) -> tuple[list[str], list[str]]:
    """(covered, uncovered) reasons, each in the order given."""
    granted: set[str] = set()
    for grant in grants:
        granted.update(json.loads(grant.capabilities))
    covered = [reason for reason in reasons if reason in granted]
    return covered, [reason for reason in reasons if reason not in granted]


def create(
    session: Session,
    project: Project,
    contract: dict[str, Any],
    proposed_sha: str,
    reasons: list[str],
    covered: list[str],
    lifetime: int,
) -> Plan:
    """A pending plan for `contract`, or the pending one already asking the same."""
    existing = session.scalar(
        select(Plan).where(
            Plan.project_id == project.id,
            Plan.proposed_sha == proposed_sha,
            Plan.baseline_sha == project.baseline_sha,
            Plan.status == PENDING,
        )
    )
    now = time.time()
    if existing is not None and existing.expires_at > now:
        existing.covered = json.dumps(covered)
        return existing

    plan = Plan(
        id=secret.new_id("pln"),
        project_id=project.id,
        baseline_sha=project.baseline_sha or "",
        proposed_sha=proposed_sha,
        proposed_contract=json.dumps(contract),
        reasons=json.dumps(reasons),
        covered=json.dumps(covered),
        status=PENDING,
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(plan)
    audit.record(
        session,
        "plan.create",
        plan.id,
        project.account_id,
        project=project.name,
        reasons=reasons,
    )
    return plan


def rejection(
    session: Session, project: Project, proposed_sha: str, public_url: str
) -> dict[str, Any] | None:
    """The 409 answer for a contract whose newest plan was rejected, else None.

    A rejection stands for that exact contract: asking again with the same one
    answers this instead of opening another plan, until the contract changes.
    """
    latest = session.scalar(
        select(Plan)
        .where(Plan.project_id == project.id, Plan.proposed_sha == proposed_sha)
        .order_by(Plan.created_at.desc())
        .limit(1)
    )
    if latest is None or latest.status != REJECTED:
        return None

    decider = session.get(Account, latest.decided_by or "")
    by = decider.email if decider is not None else "a deleted account"
    at = iso(latest.decided_at or latest.created_at)
    return {
        "error": "plan_rejected",
        "message": (
            f"the plan for this exact contract ({proposed_sha[:12]}) was rejected "
            f"by {by} at {at} (plan {latest.id}); change the handler so its "
            "contract differs, then deploy again"
        ),
        "planId": latest.id,
        "projectName": project.name,
        "proposedSha": proposed_sha,
        "rejectedBy": by,
        "rejectedAt": at,
        "reviewUrl": f"{public_url}/plans/{latest.id}",
    }


def find(session: Session, plan_id: str, caller: Caller) -> tuple[Plan, Project]:
    """The caller's plan, with expiry applied; another account's plan is a 404."""
    plan = session.get(Plan, plan_id) if len(plan_id) <= 40 else None
    project = session.get(Project, plan.project_id) if plan is not None else None
    if plan is None or project is None or project.account_id != caller.account_id:
        raise ControlPlaneError(
            "read a plan",
            404,
            "plan_not_found",
            f"no plan {plan_id[:40]!r} in your projects",
        )
    if plan.status == PENDING and time.time() > plan.expires_at:
        plan.status = EXPIRED
    return plan, project


def approve(
    session: Session,
    plan_id: str,
    caller: Caller,
    mode: str,
    grant_expires: str | None,
) -> tuple[Plan, Grant | None]:
    """Approve once, or approve and grant the plan's reasons for later deploys.

    Any token of the project's account may decide its plans, including the token
    whose deploy asked for the plan: roles (a reviewer who is not the deployer)
    are not modelled, so review records a decision in the audit log and makes it
    deliberate, but does not keep one person from approving their own deploy.
    """
    if mode not in ("once", "grant"):
        raise ControlPlaneError(
            "approve a plan", 400, "invalid_mode", "mode must be 'once' or 'grant'"
        )
    expires_at = _future_time(grant_expires) if grant_expires else None
    plan, project = _decidable(session, plan_id, caller, "approve")

    plan.status = APPROVED
    plan.decided_at = time.time()
    plan.decided_by = caller.account_id
    audit.record(
        session,
        "plan.approve",
        plan.id,
        caller.account_id,
        project=project.name,
        mode=mode,
    )

    if mode == "once":
        return plan, None

    grant = Grant(
        id=secret.new_id("grt"),
        project_id=project.id,
        plan_id=plan.id,
        capabilities=plan.reasons,
        created_by=caller.account_id,
        created_at=time.time(),
        expires_at=expires_at,
    )
    session.add(grant)
    audit.record(
        session,
        "grant.create",
        grant.id,
        caller.account_id,
        project=project.name,
        capabilities=json.loads(plan.reasons),
    )
    return plan, grant


def reject(session: Session, plan_id: str, caller: Caller) -> Plan:
    plan, project = _decidable(session, plan_id, caller, "reject")
    plan.status = REJECTED
    plan.decided_at = time.time()
    plan.decided_by = caller.account_id
    audit.record(
        session, "plan.reject", plan.id, caller.account_id, project=project.name
    )
    return plan


def grants_of(
    session: Session, caller: Caller, project_name: str | None = None
) -> list[dict[str, Any]]:
    """The caller's grants (revoked ones included, marked), newest first."""
    query = (
        select(Grant, Project)
        .join(Project, Grant.project_id == Project.id)
        .where(Project.account_id == caller.account_id)
        .order_by(Grant.created_at.desc())
    )
    if project_name is not None:
        query = query.where(Project.name == project_name)
    return [grant_json(grant, project) for grant, project in session.execute(query)]


def revoke(session: Session, grant_id: str, caller: Caller) -> dict[str, Any]:
    grant = session.get(Grant, grant_id) if len(grant_id) <= 40 else None
    project = session.get(Project, grant.project_id) if grant is not None else None
    if grant is None or project is None or project.account_id != caller.account_id:
        raise ControlPlaneError(
            "revoke a grant",
            404,
            "grant_not_found",
            f"no grant {grant_id[:40]!r} in your projects",
        )
    if grant.revoked_at is None:
        grant.revoked_at = time.time()
        audit.record(
            session, "grant.revoke", grant.id, caller.account_id, project=project.name
        )
    return grant_json(grant, project)


def plan_json(plan: Plan, project: Project, public_url: str) -> dict[str, Any]:
    reasons = json.loads(plan.reasons)
    covered = set(json.loads(plan.covered))
    return {
        "planId": plan.id,
        "projectName": project.name,
        "status": plan.status,
        "createdAt": iso(plan.created_at),
        "expiresAt": iso(plan.expires_at),
        "reviewUrl": f"{public_url}/plans/{plan.id}",
        "baselineSha": plan.baseline_sha,
        "proposedSha": plan.proposed_sha,
        "diff": {"reasons": reasons},
        "grantCoverage": {
            "coveredReasons": [r for r in reasons if r in covered],
            "uncoveredReasons": [r for r in reasons if r not in covered],
        },
    }


def grant_json(grant: Grant, project: Project) -> dict[str, Any]:
    return {
        "grantId": grant.id,
        "projectName": project.name,
        "planId": grant.plan_id,
        "capabilities": json.loads(grant.capabilities),
        "createdAt": iso(grant.created_at),
        "expiresAt": iso(grant.expires_at) if grant.expires_at else None,
        "revokedAt": iso(grant.revoked_at) if grant.revoked_at else None,
    }


def iso(moment: float) -> str:
    """Seconds since 1970 as RFC 3339 UTC with a Z."""
    when = datetime.datetime.fromtimestamp(moment, tz=datetime.UTC)
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")


def _decidable(
    session: Session, plan_id: str, caller: Caller, verb: str
) -> tuple[Plan, Project]:
    plan, project = find(session, plan_id, caller)
    if plan.status != PENDING:
        raise ControlPlaneError(
            f"{verb} a plan",
            409,
            f"plan_{plan.status}",
            f"plan {plan.id} is {plan.status}; only pending plans can be decided",
        )
    return plan, project


def _future_time(text: str) -> float:
    try:
        moment = timestamps.from_rfc3339(str(text))
    except ValueError:
        raise ControlPlaneError(
            "approve a plan",
            400,
            "invalid_expires_at",
            f"expiresAt {str(text)[:40]!r} is not an RFC 3339 time",
        ) from None
    if moment <= time.time():
        raise ControlPlaneError(
            "approve a plan", 400, "invalid_expires_at", "expiresAt is in the past"
        )
    return moment
