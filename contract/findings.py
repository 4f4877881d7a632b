"""What the analysis found, fact by fact, and the contract those facts add up to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .model import PROPERTIES, Contract, Fact, Origin, Route
from .names import identifier, literal_text
from .scopes import Scopes
from .source import SourceText
from .syntax import Node, Tree

CATEGORIES = ("env", "egress", "cache", "routes")

# The properties a construct the analysis cannot follow leaves undecided.
DECIDED_BY_EFFECTS = ("readOnly", "deterministic", "stateIsolated", "injectionSafe")


@dataclass(frozen=True)
class Unit:
    """One bundled module as the analysis sees it."""

    name: str
    source: SourceText
    tree: Tree
    scopes: Scopes
    is_entry: bool
    import_targets: Mapping[int, str]  # import source start byte -> target

    def origin(self, node: Node) -> Origin:
        line, column = self.source.location(node.start_byte)
        return Origin(self.name, line, column)

    def text(self, node: Node) -> str:
        """The node's source text exactly as written."""
        return self.source.data[node.start_byte : node.end_byte].decode("utf-8")

    def name_of(self, node: Node) -> str:
        """The name a node stands for, as JavaScript reads it: escapes decoded
        in identifiers (`\\u0065val` is `eval`), string literals by value."""
        if node.type == "string":
            return literal_text(node)
        return identifier(node)


@dataclass
class Findings:
    """Facts collected over every module, in the order they were found."""

    facts: list[Fact] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    # (module, call, URL argument) of every fetch, for the injection check.
    fetch_urls: list[tuple[Unit, Node, Node]] = field(default_factory=list)

    def prove(
        self, unit: Unit, node: Node, category: str, value: str, why: str
    ) -> None:
        """A proven value: an env name, an egress host, a cache namespace, a module."""
        self.facts.append(Fact(unit.origin(node), category, value, False, why))

    def route(self, unit: Unit, node: Node, route: Route, why: str) -> None:
        self.routes.append(route)
        self.facts.append(Fact(unit.origin(node), "routes", route.label(), False, why))

    def dynamic(self, unit: Unit, node: Node, category: str, why: str) -> None:
        """A category the analysis cannot enumerate because of this node."""
        self.facts.append(Fact(unit.origin(node), category, None, True, why))

    def violates(self, unit: Unit, node: Node, prop: str, why: str) -> None:
        """A property proven not to hold because of this node."""
        self.facts.append(Fact(unit.origin(node), prop, None, False, why))

    def undecided(self, unit: Unit, node: Node, prop: str, why: str) -> None:
        """A property the analysis cannot decide because of this node."""
        self.facts.append(Fact(unit.origin(node), prop, None, True, why))

    def everything_dynamic(self, unit: Unit, node: Node, why: str) -> None:
        """Code the analysis cannot see: no category or property is proven."""
        for category in CATEGORIES:
            self.dynamic(unit, node, category, why)
        for prop in DECIDED_BY_EFFECTS:
            self.undecided(unit, node, prop, why)

    def contract(
        self, handler_path: str, handler_sha256: str, modules: tuple[str, ...]
    ) -> Contract:
        """Add the facts up: values per category, dynamic flags, property values."""
        values: dict[str, set[str]] = {category: set() for category in CATEGORIES}
        dynamic = dict.fromkeys(CATEGORIES, False)
        properties: dict[str, bool | None] = dict.fromkeys(PROPERTIES, True)

        for fact in self.facts:
            if fact.category in CATEGORIES:
                if fact.value is not None and fact.category != "routes":
                    values[fact.category].add(fact.value)
                dynamic[fact.category] |= fact.dynamic
            elif fact.category in properties:
                properties[fact.category] = _weaker(
                    properties[fact.category], None if fact.dynamic else False
                )

        properties["retrySafe"] = properties["readOnly"]
        properties["idempotent"] = _weaker(
            properties["retrySafe"], properties["deterministic"]
        )
        return Contract(
            handler_path=handler_path,
            handler_sha256=handler_sha256,
            modules=modules,
            env=tuple(values["env"]),
            env_dynamic=dynamic["env"],
            egress=tuple(values["egress"]),
            egress_dynamic=dynamic["egress"],
            cache=tuple(values["cache"]),
            cache_dynamic=dynamic["cache"],
            routes=tuple(self.routes),
            routes_dynamic=dynamic["routes"],
            properties=properties,
            facts=tuple(self.facts),
        )


def _weaker(left: bool | None, right: bool | None) -> bool | None:
    """False beats undecided beats True: a proven violation is a proof."""
    if left is False or right is False:
        return False
    if left is None or right is None:
        return None
    return True
