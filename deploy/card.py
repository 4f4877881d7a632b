"""The proof review card: what this deploy ships and how it differs from the last."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from zigttp import untrusted
from zigttp.errors import ReviewRequired

from . import session
from .detect import Project
from .facts import CATEGORIES, Delta, Facts

PROPERTY_LABELS = {
    "readOnly": "read-only",
    "retrySafe": "retry-safe",
    "idempotent": "idempotent",
    "deterministic": "deterministic",
    "stateIsolated": "state-isolated",
    "injectionSafe": "injection-safe",
}
_SURFACE = {
    "routes": ("route", "routes"),
    "env": ("env var", "env vars"),
    "egress": ("egress host", "egress hosts"),
    "cache": ("cache namespace", "cache namespaces"),
}
INDENT = "  "
WIDTH = 10


@dataclass(frozen=True)
class Card:
    """Everything the card shows, gathered before the session is opened."""

    project: Project
    contract_sha256: str
    facts: Facts
    delta: Delta


def lines(card: Card) -> list[str]:
    """The card as lines for stderr; the `blocks` row comes later (see below)."""
    facts, project = card.facts, card.project
    proven = [PROPERTY_LABELS[name] for name in facts.properties]
    rows = [
        ("handler", project.handler_name),
        ("service", f"{project.service} (from {project.service_origin})"),
        ("region", f"{project.region} (from {project.region_origin})"),
        ("contract", f"sha256:{card.contract_sha256}"),
        ("proof", facts.proof_level),
        ("proven", ", ".join(proven) or "nothing"),
        ("surface", surface(facts)),
    ]
    shown = ["proof review", *(_row(name, value) for name, value in rows)]
    shown += _delta_rows(card.delta, project.service)
    shown.append(_row("verdict", card.delta.verdict))
    return shown


def surface(facts: Facts) -> str:
    parts = []
    for category in CATEGORIES:
        count = len(facts.items(category))
        dynamic = " (dynamic)" if category in facts.dynamic else ""
        singular, plural = _SURFACE[category]
        parts.append(f"{count} {singular if count == 1 else plural}{dynamic}")
    return ", ".join(parts)


def nothing_blocks() -> str:
    return _row("blocks", "nothing")


def missing_env(names: Sequence[str]) -> str:
    """The `blocks` row for env names the handler reads and .env does not set."""
    return _row("blocks", f"{', '.join(names)} missing from .env")


def review_lines(error: ReviewRequired) -> list[str]:
    """The `blocks` row and each reason marked covered-by-grant or needs-approval."""
    marked = session.reasons(error)
    width = max((len(reason.text) for reason in marked), default=0)
    shown = [_row("blocks", f"review of plan {error.plan_id}")]
    shown += [
        f"{INDENT}{'':{WIDTH}}{reason.text:<{width}}  {reason.mark}"
        for reason in marked
    ]
    shown.append(_row("review", error.review_url))
    return shown


def _delta_rows(delta: Delta, service: str) -> list[str]:
    if delta.first_deploy:
        return [_row("delta", f"first deploy of {service} from this folder")]

    changes: Sequence[str] = [
        *(f"+ {item}" for item in delta.added),
        *(f"- {item}" for item in delta.removed),
        *(f"+ {item}" for item in delta.improved),
    ]
    if not changes:
        return [_row("delta", "no change since the last deploy")]
    first, *rest = changes
    return [_row("delta", first), *(_row("", item) for item in rest)]


def _row(name: str, value: str) -> str:
    """One card line; the value may quote the handler's source, so it is escaped."""
    return f"{INDENT}{name:<{WIDTH}}{untrusted.printable(value)}"
