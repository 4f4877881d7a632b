"""What is put into an object or array after it is made.

`parts.push(x)`, `map.set(k, x)`, `o.x = y`, `o.a.b = y` and
`Object.assign(o, y)` all make the container hold what they are given, so
whatever reads the container later reads that too. Only writes through the
container's own name are seen: a container handed to another function may be
filled there, which the callers of this module judge for themselves.
"""

from __future__ import annotations

from . import callers
from .expressions import global_method
from .findings import Unit
from .scopes import Binding
from .syntax import Node
from .wrapping import outer
from .write_targets import assigned_value, chain_top

FILLING_METHODS = frozenset(
    {"push", "unshift", "splice", "set", "add", "fill", "append", "assign"}
)


def put_into(unit: Unit, binding: Binding) -> list[Node]:
    """Every value written into what `binding` names, through that name."""
    values: list[Node] = []
    for reference in binding.references:
        used = outer(reference)
        parent = used.parent
        if parent is None:
            continue
        if parent.type in ("member_expression", "subscript_expression"):
            if parent.child_by_field_name("object") == used:
                values.extend(_through_member(unit, parent))
        elif parent.type == "arguments":
            values.extend(_assigned_by_object_assign(unit, parent, used))
    return values


def _through_member(unit: Unit, member: Node) -> list[Node]:
    value = assigned_value(chain_top(member))
    if value is not None:
        return [value]

    call = outer(member).parent
    name = member.child_by_field_name("property")
    if (
        call is not None
        and call.type == "call_expression"
        and call.child_by_field_name("function") == outer(member)
        and name is not None
        and unit.name_of(name) in FILLING_METHODS
    ):
        return callers.call_arguments(call)
    return []


def _assigned_by_object_assign(unit: Unit, arguments: Node, used: Node) -> list[Node]:
    call = arguments.parent
    given = [child for child in arguments.named_children if child.type != "comment"]
    if call is None or not given or given[0] != used:
        return []
    if global_method(unit, call, "Object") == "assign":
        return given[1:]
    return []
