"""deterministic: no read of the clock or of randomness, however it is reached.

`Date.now()`, `new Date()` (also with spread arguments, which may be empty),
`Date()`, `Math.random()`, `performance.now()`, `crypto.getRandomValues()`
and the zigttp:id functions (capabilities.py) differ from call to call. A
clock or random source used any other way (aliased, passed on, a member
chosen at run time) leaves the property undecided.
"""

from __future__ import annotations

from .findings import Findings, Unit
from .syntax import Node
from .values import static_string
from .wrapping import outer, unwrap

_CLOCK_MEMBERS = {
    "Date": frozenset({"now"}),
    "Math": frozenset({"random"}),
    "performance": frozenset({"now"}),
    "crypto": frozenset({"getRandomValues", "randomUUID"}),
}
_HARMLESS_DATE_MEMBERS = frozenset({"UTC", "parse", "prototype"})


def collect(unit: Unit, findings: Findings) -> None:
    """Record every read of the clock or of randomness."""
    for name in _CLOCK_MEMBERS:
        for reference in unit.scopes.globals.get(name, []):
            _clock(unit, findings, name, reference)


def _clock(unit: Unit, findings: Findings, name: str, reference: Node) -> None:
    used = outer(reference)
    parent = used.parent
    if parent is None:
        return

    if parent.type == "new_expression" and name == "Date":
        _new_date(unit, findings, parent)
        return
    if parent.type == "call_expression" and name == "Date":
        findings.violates(unit, parent, "deterministic", "Date() reads the clock")
        return
    if parent.type == "unary_expression" or _is_instanceof_target(parent, used):
        return

    member = _member_name(unit, parent, used)
    if member is None:
        findings.undecided(
            unit,
            reference,
            "deterministic",
            f"{name} used in a way the analysis cannot follow",
        )
        return
    if member not in _CLOCK_MEMBERS[name]:
        if name == "Date" and member not in _HARMLESS_DATE_MEMBERS:
            findings.undecided(
                unit, parent, "deterministic", f"Date.{member} is not followed"
            )
        return

    call = outer(parent).parent
    if call is not None and call.type == "call_expression":
        findings.violates(
            unit, call, "deterministic", f"{name}.{member}() differs from call to call"
        )
    else:
        findings.undecided(
            unit, parent, "deterministic", f"{name}.{member} used as a value"
        )


def _new_date(unit: Unit, findings: Findings, new: Node) -> None:
    """`new Date()` reads the clock, `new Date(x)` does not. Spread arguments
    read it when they are empty: proven for `...[]`, undecided otherwise."""
    arguments_node = new.child_by_field_name("arguments")
    arguments = [
        child
        for child in (arguments_node.named_children if arguments_node else [])
        if child.type != "comment"
    ]
    spreads = [argument for argument in arguments if argument.type == "spread_element"]
    if not arguments or (
        len(spreads) == len(arguments) and all(map(_spreads_nothing, spreads))
    ):
        findings.violates(unit, new, "deterministic", "new Date() reads the clock")
    elif arguments[0].type == "spread_element":
        findings.undecided(
            unit,
            new,
            "deterministic",
            "new Date(...) with spread arguments reads the clock when they are empty",
        )


def _spreads_nothing(spread: Node) -> bool:
    inner = [child for child in spread.named_children if child.type != "comment"]
    return (
        len(inner) == 1
        and unwrap(inner[0]).type == "array"
        and not [
            child
            for child in unwrap(inner[0]).named_children
            if child.type != "comment"
        ]
    )


def _member_name(unit: Unit, parent: Node, used: Node) -> str | None:
    if parent.child_by_field_name("object") != used:
        return None
    if parent.type == "member_expression":
        member = parent.child_by_field_name("property")
        return unit.name_of(member) if member is not None else None
    if parent.type == "subscript_expression":
        return static_string(parent.child_by_field_name("index"), unit.scopes)
    return None


def _is_instanceof_target(parent: Node, used: Node) -> bool:
    operator = parent.child_by_field_name("operator")
    return (
        parent.type == "binary_expression"
        and operator is not None
        and operator.type == "instanceof"
        and parent.child_by_field_name("right") == used
    )
