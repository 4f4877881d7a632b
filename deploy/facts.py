"""The contract facts a deploy compares with the last one, and the verdict on it.

Verdicts, from the facts of the last deploy of this service to this one's:

- breaking: something callers or operators could rely on is gone: a route was
  removed, a property that was proven (read-only, retry-safe, ...) no longer
  is, or the proof level went down.
- safe with additions: nothing breaking, but the handler reaches further: a
  new route, env name, egress host or cache namespace, or a category that
  became dynamic (its members can no longer be listed).
- safe: neither. Removing an env name, egress host or cache namespace narrows
  what the handler can touch, and callers cannot see it; newly proven
  properties only add guarantees. A first deploy has nothing to compare and is
  safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zigttp.contract.model import PROOF_LEVELS, PROPERTIES

CATEGORIES = ("routes", "env", "egress", "cache")

SAFE = "safe"
SAFE_WITH_ADDITIONS = "safe with additions"
BREAKING = "breaking"


@dataclass(frozen=True)
class Facts:
    """The surface and guarantees of one contract, in a form the state file keeps."""

    routes: tuple[str, ...]
    env: tuple[str, ...]
    egress: tuple[str, ...]
    cache: tuple[str, ...]
    dynamic: tuple[str, ...]
    properties: tuple[str, ...]
    proof_level: str

    @classmethod
    def from_contract(cls, contract: dict[str, Any]) -> Facts:
        """Facts of a contract document (contract.md, version 1)."""
        routes = [_route(item) for item in contract["routes"]["items"]]
        sections = {
            "routes": contract["routes"],
            "env": contract["env"],
            "egress": contract["egress"],
            "cache": contract["cache"],
        }
        return cls(
            routes=tuple(sorted(set(routes))),
            env=tuple(sorted(contract["env"]["names"])),
            egress=tuple(sorted(contract["egress"]["hosts"])),
            cache=tuple(sorted(contract["cache"]["namespaces"])),
            dynamic=tuple(name for name in CATEGORIES if sections[name]["dynamic"]),
            properties=tuple(
                name for name in PROPERTIES if contract["properties"].get(name)
            ),
            proof_level=str(contract["proofLevel"]),
        )

    def items(self, category: str) -> tuple[str, ...]:
        found: tuple[str, ...] = getattr(self, category)
        return found

    def to_json(self) -> dict[str, Any]:
        return {
            "routes": list(self.routes),
            "env": list(self.env),
            "egress": list(self.egress),
            "cache": list(self.cache),
            "dynamic": list(self.dynamic),
            "properties": list(self.properties),
            "proofLevel": self.proof_level,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Facts:
        def names(key: str) -> tuple[str, ...]:
            items = value.get(key)
            return tuple(str(item) for item in items) if isinstance(items, list) else ()

        level = value.get("proofLevel")
        return cls(
            routes=names("routes"),
            env=names("env"),
            egress=names("egress"),
            cache=names("cache"),
            dynamic=names("dynamic"),
            properties=names("properties"),
            proof_level=level if level in PROOF_LEVELS else "none",
        )


@dataclass(frozen=True)
class Delta:
    """What changed since the last deploy, each change as a short phrase."""

    first_deploy: bool
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    breaking: tuple[str, ...] = ()
    improved: tuple[str, ...] = ()

    @property
    def verdict(self) -> str:
        if self.breaking:
            return BREAKING
        if self.added:
            return SAFE_WITH_ADDITIONS
        return SAFE


def compare(previous: Facts | None, current: Facts) -> Delta:
    """The delta from `previous` (None on a first deploy) to `current`."""
    if previous is None:
        return Delta(first_deploy=True)

    added: list[str] = []
    removed: list[str] = []
    breaking: list[str] = []
    improved: list[str] = []

    for category in CATEGORIES:
        noun = _NOUNS[category]
        before, after = set(previous.items(category)), set(current.items(category))
        added += [f"{noun} {item}" for item in sorted(after - before)]
        gone = [f"{noun} {item}" for item in sorted(before - after)]
        removed += gone
        if category == "routes":
            breaking += gone
        if category in current.dynamic and category not in previous.dynamic:
            added.append(f"{_DYNAMIC[category]} became dynamic")

    for name in PROPERTIES:
        if name in previous.properties and name not in current.properties:
            lost = f"property {name} no longer proven"
            removed.append(lost)
            breaking.append(lost)
        elif name in current.properties and name not in previous.properties:
            improved.append(f"property {name} now proven")

    old_level = _level(previous.proof_level)
    new_level = _level(current.proof_level)
    change = f"proof level {previous.proof_level} -> {current.proof_level}"
    if new_level < old_level:
        removed.append(change)
        breaking.append(change)
    elif new_level > old_level:
        improved.append(change)

    return Delta(
        first_deploy=False,
        added=tuple(added),
        removed=tuple(removed),
        breaking=tuple(breaking),
        improved=tuple(improved),
    )


_NOUNS = {"routes": "route", "env": "env", "egress": "egress", "cache": "cache"}
_DYNAMIC = {
    "routes": "routes",
    "env": "env names",
    "egress": "egress hosts",
    "cache": "cache namespaces",
}


def _route(item: dict[str, Any]) -> str:
    suffix = (
        "*" if item.get("prefix") and not str(item["pattern"]).endswith("*") else ""
    )
    return f"{item['method']} {item['pattern']}{suffix}"


def _level(name: str) -> int:
    return PROOF_LEVELS.index(name) if name in PROOF_LEVELS else 0
