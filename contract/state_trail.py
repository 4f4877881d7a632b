"""The trail of a shared value in one module: uses still to follow, findings made.

A use is one place a value that outlives a request (or something holding it)
stands in request code. The trail queues each use once per shape and
certainty, hands them out until none are left or the step limit is reached,
and records what they lead to: a proven write when the path from the shared
value was exact, an undecided one when it was not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .findings import Findings, Unit
from .lifetimes import Lifetimes
from .shapes import Shape, Shapes
from .syntax import Node

_STEP_LIMIT = 20000


@dataclass(frozen=True)
class Use:
    """One place a shared value (or something holding it) is, per request."""

    node: Node
    shape: Shape
    certain: bool  # the path from the shared value is exact
    what: str  # the shared value, for people: "module-level cache"


class Trail:
    """The uses of shared values in one module, and the findings they lead to."""

    def __init__(
        self,
        unit: Unit,
        findings: Findings,
        lifetimes: Lifetimes,
        shapes: Shapes,
        request_functions: set[int],
    ) -> None:
        self.unit = unit
        self.findings = findings
        self.lifetimes = lifetimes
        self.shapes = shapes
        self.request_functions = request_functions
        self._work: list[Use] = []
        self._seen: set[tuple[int, str, bool, str]] = set()
        self._steps = 0

    def follow(self, node: Node, shape: Shape, certain: bool, what: str) -> None:
        """Queue one use; each node is followed once per shape and certainty."""
        if shape.is_inert:
            return
        key = (node.id, shape.kind, certain, what)
        if key in self._seen:
            return
        self._seen.add(key)
        self._work.append(Use(node, shape, certain, what))

    def follow_on(self, use: Use, node: Node, shape: Shape) -> None:
        """Queue where `use` leads: `node`, holding the value as `shape`."""
        self.follow(node, shape, use.certain, use.what)

    def pending(self) -> Iterator[Use]:
        """The uses still to follow, one at a time, up to the step limit."""
        while self._work:
            use = self._work.pop()
            self._steps += 1
            if self._steps > _STEP_LIMIT:
                self.undecided(use, "the analysis stopped following shared values")
                return
            yield use

    def write(self, use: Use, node: Node, how: str = "changes") -> None:
        """A request changes the shared value through `use`, at `node`."""
        if use.certain:
            self.findings.violates(
                self.unit,
                node,
                "stateIsolated",
                f"a request {how} {use.what}: requests share that state",
            )
        else:
            self.findings.undecided(
                self.unit,
                node,
                "stateIsolated",
                f"a request may change {use.what}, which outlives it",
            )

    def undecided(self, use: Use, why: str, node: Node | None = None) -> None:
        """The trail is lost: stateIsolated cannot be proven past this point."""
        self.findings.undecided(
            self.unit, node or use.node, "stateIsolated", f"{use.what}: {why}"
        )
