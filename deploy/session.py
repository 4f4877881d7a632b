"""Deploy sessions: the contract goes up first; credentials or a plan come back."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from zigttp import timestamps
from zigttp.errors import ControlPlaneError, ReviewRequired
from zigttp.oci.credentials import Credentials

from . import server_text
from .client import ControlPlane

COVERED = "covered-by-grant"
NEEDS_APPROVAL = "needs-approval"


@dataclass(frozen=True)
class Session:
    """Short-lived push credentials for one project, and what it is bound to."""

    scope_id: str
    plan_id: str
    region: str
    registry_host: str
    namespace: str
    repository: str
    username: str
    password: str = field(repr=False)
    expires_at: float = 0.0
    url_hint: str = ""
    grant_ids: tuple[str, ...] = ()

    def expires_within(self, seconds: float, now: float | None = None) -> bool:
        return self.expires_at - (time.time() if now is None else now) < seconds

    def credentials(self) -> Credentials:
        return Credentials(self.username, self.password, "deploy session")

    def reference(self, tag: str) -> str:
        return f"{self.registry_host}/{self.repository}:{tag}"


@dataclass(frozen=True)
class Reason:
    """One capability the plan adds, and whether a grant already covers it."""

    text: str
    covered: bool

    @property
    def mark(self) -> str:
        return COVERED if self.covered else NEEDS_APPROVAL


def request_body(
    project: str, region: str, contract: dict[str, Any], sha256: str
) -> dict[str, Any]:
    return {
        "projectName": project,
        "region": region,
        "contract": contract,
        "contractSha256": sha256,
    }


def open_session(plane: ControlPlane, body: dict[str, Any]) -> Session:
    """A session with credentials; ReviewRequired when a plan must be approved."""
    answer = plane.open_session(body)
    if answer.status == 202:
        raise review_required(answer.body)
    return parse(answer.body, str(body["projectName"]))


def review_required(body: dict[str, Any]) -> ReviewRequired:
    """The 202 answer as the error that stops the deploy (exit 5)."""
    coverage = body.get("grantCoverage")
    coverage = coverage if isinstance(coverage, dict) else {}
    return ReviewRequired(
        plan_id=server_text.field(body, "planId", 80) or "?",
        review_url=server_text.field(body, "reviewUrl"),
        covered=server_text.items(coverage.get("coveredReasons")),
        uncovered=server_text.items(coverage.get("uncoveredReasons")),
    )


def reasons(error: ReviewRequired) -> list[Reason]:
    return [Reason(text, True) for text in error.covered] + [
        Reason(text, False) for text in error.uncovered
    ]


def parse(body: dict[str, Any], project: str) -> Session:
    """Read a 200 session answer; a missing field is the server's fault, said so."""
    missing = [
        key
        for key in (
            "scopeId",
            "planId",
            "registryHost",
            "namespace",
            "registryUsername",
            "registryPassword",
            "expiresAt",
        )
        if not isinstance(body.get(key), str) or not body[key]
    ]
    if missing:
        raise ControlPlaneError(
            "open a deploy session",
            200,
            "invalid_answer",
            f"the session answer lacks {', '.join(missing)}",
        )

    repository = body.get("repository")
    if not isinstance(repository, str) or not repository:
        repository = f"{body['namespace']}/{project}"
    return Session(
        scope_id=server_text.clean(body["scopeId"], 80),
        plan_id=server_text.clean(body["planId"], 80),
        region=server_text.field(body, "region", 80),
        registry_host=body["registryHost"],
        namespace=body["namespace"],
        repository=repository,
        username=body["registryUsername"],
        password=body["registryPassword"],
        expires_at=_timestamp(body["expiresAt"]),
        url_hint=server_text.field(body, "urlHint"),
        grant_ids=tuple(server_text.items(body.get("grantIds"))),
    )


def refreshed(plane: ControlPlane, body: dict[str, Any], old: Session) -> Session:
    """A new session for the same deploy; it must keep registry and namespace."""
    new = open_session(plane, body)
    if (new.registry_host, new.namespace) != (old.registry_host, old.namespace):
        raise ControlPlaneError(
            "refresh the deploy session",
            200,
            "session_moved",
            "the refreshed session points at "
            f"{server_text.clean(f'{new.registry_host}/{new.namespace}')} instead "
            f"of {server_text.clean(f'{old.registry_host}/{old.namespace}')}: "
            "re-run `zigttp deploy`",
        )
    return new


def _timestamp(text: str) -> float:
    try:
        return timestamps.from_rfc3339(text)
    except ValueError:
        raise ControlPlaneError(
            "open a deploy session",
            200,
            "invalid_answer",
            f"expiresAt {server_text.clean(text, 40)!r} is not an RFC 3339 time",
        ) from None
