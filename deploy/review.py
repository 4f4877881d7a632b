"""Review plans and grants from a terminal: read, approve, reject, list, revoke."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zigttp.errors import ControlPlaneError

from . import server_text
from .client import ControlPlane
from .session import Reason


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
        covered = set(server_text.items(coverage.get("coveredReasons")))
        diff = body.get("diff")
        reasons = server_text.items(
            diff.get("reasons") if isinstance(diff, dict) else None
        )
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

    def to_json(self) -> dict[str, Any]:
        """The plan with the API's keys, as `zigttp review --json` prints it."""
        return {
            "planId": self.plan_id,
            "projectName": self.project,
            "status": self.status,
            "createdAt": self.created_at,
            "expiresAt": self.expires_at,
            "reviewUrl": self.review_url,
            "baselineSha": self.baseline_sha or None,
            "proposedSha": self.proposed_sha,
            "diff": {"reasons": [reason.text for reason in self.reasons]},
            "grantCoverage": {
                "coveredReasons": [r.text for r in self.reasons if r.covered],
                "uncoveredReasons": [r.text for r in self.reasons if not r.covered],
            },
        }


@dataclass(frozen=True)
class Grant:
    """Capabilities a person approved for good for one project."""

    grant_id: str
    project: str
    plan_id: str
    capabilities: tuple[str, ...]
    created_at: str
    expires_at: str
    revoked_at: str

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Grant:
        return cls(
            grant_id=_text(body, "grantId"),
            project=_text(body, "projectName"),
            plan_id=_text(body, "planId"),
            capabilities=tuple(server_text.items(body.get("capabilities"))),
            created_at=_text(body, "createdAt"),
            expires_at=_text(body, "expiresAt"),
            revoked_at=_text(body, "revokedAt"),
        )

    def to_json(self) -> dict[str, Any]:
        """The grant with the API's keys, as `zigttp grants --json` prints it."""
        return {
            "grantId": self.grant_id,
            "projectName": self.project,
            "planId": self.plan_id or None,
            "capabilities": list(self.capabilities),
            "createdAt": self.created_at,
            "expiresAt": self.expires_at or None,
            "revokedAt": self.revoked_at or None,
        }


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
    return server_text.field(body, key)
