"""Where a node is written: assigned, updated, deleted, or a loop's target.

A name is written when it stands on the left of an assignment (alone or
inside a destructuring pattern), in `x++`, or as the variable of a `for in` or
`for of` loop; a member chain (`a.b.c`) is written when its outermost member
is, including `delete a.b`.
"""

from __future__ import annotations

from .syntax import Node
from .wrapping import outer

_ASSIGNMENTS = frozenset({"assignment_expression", "augmented_assignment_expression"})
_MEMBERS = frozenset({"member_expression", "subscript_expression"})
_PATTERNS = frozenset({"object_pattern", "array_pattern"})


def is_assigned(identifier: Node) -> bool:
    """True when the identifier is the target of an assignment or update."""
    child = identifier
    parent = identifier.parent
    while parent is not None and parent.type in _PATTERNS | {
        "pair_pattern",
        "object_assignment_pattern",
        "assignment_pattern",
        "rest_pattern",
        "parenthesized_expression",
    }:
        if (
            parent.type
            in (
                "object_assignment_pattern",
                "assignment_pattern",
            )
            and parent.child_by_field_name("left") != child
        ):
            return False
        child, parent = parent, parent.parent
    return parent is not None and _writes(parent, child)


def is_write_target(target: Node) -> bool:
    """The node is assigned, updated, deleted or a loop's assignment target."""
    parent = target.parent
    if parent is None:
        return False
    if parent.type == "unary_expression" and parent.children[0].type == "delete":
        return True
    return _writes(parent, target)


def assigned_value(target: Node) -> Node | None:
    """What `target = value` (or `target += value`) gives it; None when the
    target is not the left of an assignment."""
    parent = target.parent
    if parent is None or parent.type not in _ASSIGNMENTS:
        return None
    if parent.child_by_field_name("left") != target:
        return None
    return parent.child_by_field_name("right")


def _writes(parent: Node, child: Node) -> bool:
    """`parent` assigns, updates or loops over `child` as its target."""
    if parent.type in _ASSIGNMENTS or parent.type == "for_in_statement":
        return parent.child_by_field_name("left") == child
    return parent.type == "update_expression"


def chain_top(member: Node) -> Node:
    """The outermost member expression of a chain read through `member`
    (`a.b` in `a.b.c.d` gives `a.b.c.d`), parentheses and casts included."""
    top = outer(member)
    while top.parent is not None and top.parent.type in _MEMBERS:
        if top.parent.child_by_field_name("object") != top:
            break
        top = outer(top.parent)
    return top


def is_written_chain(member: Node) -> bool:
    """True when the member chain starting at `member` ends in a write."""
    return is_write_target(chain_top(member))
