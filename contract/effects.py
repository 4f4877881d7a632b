"""deterministic and stateIsolated: clock and randomness reads, shared module state."""

from __future__ import annotations

from .findings import Findings, Unit
from .scopes import outer
from .syntax import Node
from .values import static_string

_MUTATING_METHODS = frozenset(
    {
        "push",
        "pop",
        "shift",
        "unshift",
        "splice",
        "sort",
        "reverse",
        "fill",
        "copyWithin",
        "set",
        "add",
        "delete",
        "clear",
    }
)
_CLOCK_MEMBERS = {
    "Date": frozenset({"now"}),
    "Math": frozenset({"random"}),
    "performance": frozenset({"now"}),
    "crypto": frozenset({"getRandomValues", "randomUUID"}),
}
_HARMLESS_DATE_MEMBERS = frozenset({"UTC", "parse", "prototype"})
_GLOBAL_OBJECTS = ("globalThis", "window", "self", "global")
_CHAIN = frozenset({"member_expression", "subscript_expression"})


def collect(unit: Unit, findings: Findings) -> None:
    """Record what makes the module non-deterministic or share state across requests."""
    for name in _CLOCK_MEMBERS:
        for reference in unit.scopes.globals.get(name, []):
            _clock(unit, findings, name, reference)

    for binding in unit.scopes.bindings:
        if not binding.is_module_level:
            continue
        for assigned in binding.assignments:
            if unit.scopes.enclosing_function(assigned) is not None:
                findings.violates(
                    unit,
                    assigned,
                    "stateIsolated",
                    f"a function assigns module-level {binding.name}: "
                    "requests share that state",
                )
        for reference in binding.references:
            _mutation(unit, findings, reference, binding.name)

    for name in _GLOBAL_OBJECTS:
        for reference in unit.scopes.globals.get(name, []):
            _mutation(unit, findings, reference, name)


def _clock(unit: Unit, findings: Findings, name: str, reference: Node) -> None:
    used = outer(reference)
    parent = used.parent
    if parent is None:
        return

    if parent.type == "new_expression" and name == "Date":
        arguments = parent.child_by_field_name("arguments")
        if arguments is None or not arguments.named_children:
            findings.violates(
                unit, parent, "deterministic", "new Date() reads the clock"
            )
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


def _mutation(unit: Unit, findings: Findings, reference: Node, name: str) -> None:
    """Writes through module state in a function: `shared.x = 1`, `shared.push(x)`."""
    if unit.scopes.enclosing_function(reference) is None:
        return

    chain = outer(reference)
    while chain.parent is not None and chain.parent.type in _CHAIN:
        parent = chain.parent
        if parent.child_by_field_name("object") != chain:
            break
        if _calls_mutating_method(unit, parent):
            findings.violates(
                unit,
                parent.parent or parent,
                "stateIsolated",
                f"a function changes module-level {name}: requests share that state",
            )
            return
        chain = outer(parent)

    if chain.type in _CHAIN and _is_written(chain):
        findings.violates(
            unit,
            chain,
            "stateIsolated",
            f"a function changes module-level {name}: requests share that state",
        )


def _calls_mutating_method(unit: Unit, member: Node) -> bool:
    if member.type != "member_expression":
        return False
    name = member.child_by_field_name("property")
    call = outer(member).parent
    return (
        name is not None
        and unit.name_of(name) in _MUTATING_METHODS
        and call is not None
        and call.type == "call_expression"
        and call.child_by_field_name("function") == outer(member)
    )


def _is_written(target: Node) -> bool:
    parent = target.parent
    if parent is None:
        return False
    if parent.type in ("assignment_expression", "augmented_assignment_expression"):
        return parent.child_by_field_name("left") == target
    if parent.type == "update_expression":
        return True
    return parent.type == "unary_expression" and parent.children[0].type == "delete"
