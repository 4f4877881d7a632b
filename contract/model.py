"""The handler contract: proven facts, their canonical JSON, labels and annotations."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from zigttp import canonical

VERSION = 1

COMPLETE = "complete"
PARTIAL = "partial"
NONE = "none"
PROOF_LEVELS = (NONE, PARTIAL, COMPLETE)

PROPERTIES = (
    "readOnly",
    "retrySafe",
    "idempotent",
    "deterministic",
    "stateIsolated",
    "injectionSafe",
)

_PROPERTY_LABELS = {
    "retrySafe": "zigttp.retry-safe",
    "readOnly": "zigttp.read-only",
    "idempotent": "zigttp.idempotent",
    "deterministic": "zigttp.deterministic",
    "stateIsolated": "zigttp.state-isolated",
    "injectionSafe": "zigttp.injection-safe",
}

SHA256_ANNOTATION = "dev.zigttp.contract.sha256"
PROOF_LEVEL_ANNOTATION = "dev.zigttp.contract.proof-level"


@dataclass(frozen=True, order=True)
class Origin:
    """Where a fact comes from: a bundled file and a 1-based line and column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Fact:
    """One finding of the analysis, with the place in the source that proves it.

    `category` is env, egress, cache, routes or modules (then `value` is what was
    proven, or None when the category became dynamic here), or a property name
    (then `value` is None and the finding is why the property does not hold, or
    cannot be proven when `dynamic`).
    """

    origin: Origin
    category: str
    value: str | None
    dynamic: bool
    reason: str

    def __str__(self) -> str:
        if self.value is not None:
            return f"{self.origin}: {self.category} {self.value}: {self.reason}"
        state = "dynamic" if self.dynamic else "false"
        return f"{self.origin}: {self.category} {state}: {self.reason}"


@dataclass(frozen=True, order=True)
class Route:
    """A method and path pattern the handler dispatches on; prefix routes end in *."""

    method: str
    pattern: str
    prefix: bool = False

    def label(self) -> str:
        return f"{self.method} {self.pattern}{'*' if self.prefix else ''}"

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method, "pattern": self.pattern, "prefix": self.prefix}


@dataclass(frozen=True)
class Contract:
    """What the analysis proved about a handler. Properties are True, False or None.

    None means the analysis could not decide: it is written as false and lowers
    the proof level, as a dynamic category does.
    """

    handler_path: str
    handler_sha256: str
    modules: tuple[str, ...] = ()
    env: tuple[str, ...] = ()
    env_dynamic: bool = False
    egress: tuple[str, ...] = ()
    egress_dynamic: bool = False
    cache: tuple[str, ...] = ()
    cache_dynamic: bool = False
    routes: tuple[Route, ...] = ()
    routes_dynamic: bool = False
    properties: Mapping[str, bool | None] = field(default_factory=dict)
    analysed: bool = True
    facts: tuple[Fact, ...] = field(default=(), compare=False)

    @classmethod
    def unproven(cls, handler_path: str, handler_sha256: str, fact: Fact) -> Contract:
        """The contract of a handler the analysis could not finish: nothing proven."""
        return cls(
            handler_path=handler_path,
            handler_sha256=handler_sha256,
            env_dynamic=True,
            egress_dynamic=True,
            cache_dynamic=True,
            routes_dynamic=True,
            properties={name: None for name in PROPERTIES},
            analysed=False,
            facts=(fact,),
        )

    @property
    def proof_level(self) -> str:
        if not self.analysed:
            return NONE
        dynamic = (self.env_dynamic, self.egress_dynamic, self.cache_dynamic)
        undecided = any(self.properties.get(name) is None for name in PROPERTIES)
        if any(dynamic) or self.routes_dynamic or undecided:
            return PARTIAL
        return COMPLETE

    def holds(self, name: str) -> bool:
        """A property as written in the JSON: only a proven True is true."""
        return self.properties.get(name) is True

    def to_json(self) -> dict[str, Any]:
        """The contract document of contract.md, version 1."""
        return {
            "version": VERSION,
            "handler": {"path": self.handler_path, "sha256": self.handler_sha256},
            "modules": _sorted(self.modules),
            "env": {"names": _sorted(self.env), "dynamic": self.env_dynamic},
            "egress": {"hosts": _sorted(self.egress), "dynamic": self.egress_dynamic},
            "cache": {"namespaces": _sorted(self.cache), "dynamic": self.cache_dynamic},
            "routes": {
                "items": [
                    route.to_json() for route in sorted(set(self.routes), key=_order)
                ],
                "dynamic": self.routes_dynamic,
            },
            "properties": {name: self.holds(name) for name in PROPERTIES},
            "proofLevel": self.proof_level,
        }

    def canonical(self) -> bytes:
        """The exact bytes that are hashed, stamped and sent."""
        return canonical.dumps(self.to_json())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    def labels(self) -> dict[str, str]:
        """Image config labels; array labels only when they have items."""
        labels = {"zigttp.proof-level": self.proof_level}
        for name, label in _PROPERTY_LABELS.items():
            labels[label] = _flag(self.holds(name))
        labels["zigttp.env-proven"] = _flag(not self.env_dynamic)
        labels["zigttp.egress-proven"] = _flag(not self.egress_dynamic)
        labels["zigttp.cache-proven"] = _flag(not self.cache_dynamic)

        arrays = {
            "zigttp.env-vars": _sorted(self.env),
            "zigttp.egress-hosts": _sorted(self.egress),
            "zigttp.cache-namespaces": _sorted(self.cache),
            "zigttp.routes": _sorted(route.label() for route in self.routes),
        }
        for label, items in arrays.items():
            if items:
                labels[label] = canonical.dumps(items).decode("utf-8")
        return labels

    def annotations(self) -> dict[str, str]:
        """Manifest annotations a registry shows without pulling the config."""
        return {
            SHA256_ANNOTATION: self.sha256,
            PROOF_LEVEL_ANNOTATION: self.proof_level,
        }

    def explain(self) -> list[str]:
        """One line per fact, in source order, for `zigttp contract --explain`."""
        return [str(fact) for fact in sorted(self.facts)]

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> Contract:
        """Read a contract document back (facts and their origins are not in it)."""
        properties = document["properties"]
        level = document["proofLevel"]
        return cls(
            handler_path=document["handler"]["path"],
            handler_sha256=document["handler"]["sha256"],
            modules=tuple(document["modules"]),
            env=tuple(document["env"]["names"]),
            env_dynamic=document["env"]["dynamic"],
            egress=tuple(document["egress"]["hosts"]),
            egress_dynamic=document["egress"]["dynamic"],
            cache=tuple(document["cache"]["namespaces"]),
            cache_dynamic=document["cache"]["dynamic"],
            routes=tuple(
                Route(item["method"], item["pattern"], item["prefix"])
                for item in document["routes"]["items"]
            ),
            routes_dynamic=document["routes"]["dynamic"],
            properties={
                name: True
                if properties[name]
                else (None if level != COMPLETE else False)
                for name in PROPERTIES
            },
            analysed=level != NONE,
        )


def _order(route: Route) -> tuple[str, str, bool]:
    return (route.method, route.pattern, route.prefix)


def _sorted(items: Iterable[str]) -> list[str]:
    return sorted(set(items))


def _flag(value: bool) -> str:
    return "true" if value else "false"
