"""Review plans and grants from a terminal: read, approve, reject, list, revoke."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zigttp.errors import ControlPlaneError

from .client import ControlPlane
from .session import Reason, strings


@dataclass(frozen=True)
class Plan:
    """A review plan: what a contract adds over the approved baseline."""

    plan_id: str
    project: str
    status: str
    created_at: str
    expires_at: str
    review_url: str
    baseline_sha: str
    proposed_sha: str
    reasons: tuple[Reason, ...]

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Plan:
        coverage = body.get("grantCoverage")
        coverage = coverage if isinstance(coverage, dict) else {}
        covered = set(strings(coverage.get("coveredReasons")))
        diff = body.get("diff")
        reasons = strings(diff.get("reasons") if isinstance(diff, dict) else None)
        return cls(
            plan_id=_text(body, "planId"),
            project=_text(body, "projectName"),
            status=_text(body, "status"),
            created_at=_text(body, "createdAt"),
            expires_at=_text(body, "expiresAt"),
            review_url=_text(body, "reviewUrl"),
            baseline_sha=_text(body, "baselineSha"),
            proposed_sha=_text(body, "proposedSha"),
            reasons=tuple(Reason(text, text in covered) for text in reasons),
        )


@dataclass(frozen=True)
class Grant:
    """Capabilities a person approved for good for one project."""

    grant_id: str
    project: str
    capabilities: tuple[str, ...]
    created_at: str
    expires_at: str
    revoked_at: str

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Grant:
        return cls(
            grant_id=_text(body, "grantId"),
            project=_text(body, "projectName"),
            capabilities=tuple(strings(body.get("capabilities"))),
            created_at=_text(body, "createdAt"),
            expires_at=_text(body, "expiresAt"),
            revoked_at=_text(body, "revokedAt"),
        )


def show(plane: ControlPlane, plan_id: str) -> Plan:
    try:
        return Plan.from_json(plane.plan(plan_id))
    except ControlPlaneError as error:
        raise _clearer(error, plan_id) from None


def decide(
    plane: ControlPlane, plan_id: str, approve: bool, grant: bool
) -> tuple[Plan, Grant | None]:
    """Approve (once, or with a reusable grant) or reject a pending plan."""
    try:
        if approve:
            body = plane.approve(plan_id, "grant" if grant else "once")
        else:
            body = plane.reject(plan_id)
    except ControlPlaneError as error:
        raise _clearer(error, plan_id) from None

    made = body.get("grant")
    return Plan.from_json(body), Grant.from_json(made) if isinstance(
        made, dict
    ) else None


def grants(plane: ControlPlane, project: str | None = None) -> list[Grant]:
    return [Grant.from_json(item) for item in plane.grants(project)]


def revoke(plane: ControlPlane, grant_id: str) -> Grant:
    try:
        return Grant.from_json(plane.revoke_grant(grant_id))
    except ControlPlaneError as error:
        if error.status == 404:
            raise ControlPlaneError(
                error.action,
                404,
                error.code,
                f"no grant {grant_id[:40]!r} in your projects: list them with "
                "`zigttp grants`",
            ) from None
        raise


def _clearer(error: ControlPlaneError, plan_id: str) -> ControlPlaneError:
    """The server's plan errors, with what to do next."""
    shown = plan_id[:40]
    if error.status == 404:
        detail = (
            f"no plan {shown!r} in your projects: use the plan id that "
            "`zigttp deploy` printed"
        )
    elif error.code == "plan_expired":
        detail = (
            f"plan {shown} expired before anyone decided it: re-run "
            "`zigttp deploy` for a new plan"
        )
    elif error.status == 409 and error.code.startswith("plan_"):
        status = error.code.removeprefix("plan_")
        detail = f"plan {shown} is already {status}: only pending plans can be decided"
    else:
        return error
    return ControlPlaneError(error.action, error.status, error.code, detail)


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    return value if isinstance(value, str) else ""
