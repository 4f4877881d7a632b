"""Small readers of expression syntax: a member's name, an operator, an argument."""

from __future__ import annotations

from .findings import Unit
from .syntax import Node
from .values import static_string


def member_name(unit: Unit, member: Node) -> str | None:
    """The property a member or subscript expression names; None when computed."""
    if member.type == "member_expression":
        name = member.child_by_field_name("property")
        return unit.name_of(name) if name is not None else None
    return static_string(member.child_by_field_name("index"), unit.scopes)


def operator_of(node: Node) -> str:
    """The operator of a binary or assignment expression; "" when it has none."""
    operator = node.child_by_field_name("operator")
    return operator.type if operator is not None else ""


def first_argument(call: Node) -> Node | None:
    """The first argument of a call or `new`, comments left out."""
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return None
    return next((c for c in arguments.named_children if c.type != "comment"), None)


def is_typeof(node: Node) -> bool:
    """`typeof x`: reads the type of its operand, never the value."""
    return node.type == "unary_expression" and node.children[0].type == "typeof"


def global_method(unit: Unit, call: Node, owner: str) -> str | None:
    """`name` when `call` is `Owner.name(...)` on the global `owner` (Response,
    Object...); None for any other call or node."""
    if call.type != "call_expression":
        return None
    function = call.child_by_field_name("function")
    if function is None or function.type != "member_expression":
        return None
    target = function.child_by_field_name("object")
    member = function.child_by_field_name("property")
    if target is None or member is None or not unit.scopes.is_global(target, owner):
        return None
    return unit.name_of(member)
