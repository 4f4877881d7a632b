"""TypeScript enums compiled to frozen objects, one member per source line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .names import decode_identifier
from .syntax import Node

if TYPE_CHECKING:
    from .rewrite import Rewriter

_INITIALIZER_PROBLEM = (
    "enum member {name} needs a number or string literal initializer: "
    "computed enum members are not supported"
)


@dataclass(frozen=True)
class _Member:
    key: str  # a JavaScript string literal
    value: str
    number: float | None
    row: int


def compile_enum(rewriter: Rewriter, node: Node) -> str:
    """`enum E { A, B = 5 }` → `const E = Object.freeze({ "A": 0, "B": 5, ... });`.

    Numeric members count up from the previous one and get the reverse mapping
    TypeScript gives them (`E[0] === "A"`); string members do not.
    """
    name = node.child_by_field_name("name")
    body = node.child_by_field_name("body")
    assert name is not None and body is not None
    members = _members(rewriter, body)

    entries = [(member.row, f"{member.key}: {member.value}") for member in members]
    reverse = [
        f"{json.dumps(_js_number(member.number))}: {member.key}"
        for member in members
        if member.number is not None
    ]

    parts = [f"const {rewriter.text(name)} = Object.freeze({{"]
    row = node.start_point.row
    for index, (entry_row, text) in enumerate(entries):
        separator = " " if index == 0 else ", "
        if entry_row > row:
            parts.append(separator.rstrip() + "\n" * (entry_row - row))
            row = entry_row
        else:
            parts.append(separator)
        parts.append(text)
    for text in reverse:
        parts.append(", " + text)

    parts.append("\n" * (node.end_point.row - row))
    parts.append(" });" if entries else "});")
    return "".join(parts)


def _members(rewriter: Rewriter, body: Node) -> list[_Member]:
    members: list[_Member] = []
    next_number: float | None = 0.0
    for child in body.named_children:
        if child.type == "comment":
            continue

        key_node = child
        if child.type == "enum_assignment":
            key_node = child.child_by_field_name("name") or child
        key = _key(rewriter, key_node)
        label = rewriter.text(key_node)
        initializer = child.child_by_field_name("value")

        if initializer is None:
            if next_number is None:
                raise rewriter.error(
                    child,
                    f"enum member {label} needs an initializer after a string member",
                )
            number: float | None = next_number
            value = _js_number(next_number)
        else:
            value, number = _literal(rewriter, initializer, label)

        members.append(_Member(key, value, number, child.start_point.row))
        next_number = None if number is None else number + 1
    return members


def _key(rewriter: Rewriter, node: Node) -> str:
    if node.type == "string":
        return rewriter.text(node)
    return json.dumps(decode_identifier(rewriter.text(node)))


def _literal(rewriter: Rewriter, node: Node, key: str) -> tuple[str, float | None]:
    if node.type == "string":
        return rewriter.text(node), None

    negative = False
    if node.type == "unary_expression" and node.children[0].type == "-":
        negative = True
        node = node.children[1]
    if node.type != "number":
        raise rewriter.error(node, _INITIALIZER_PROBLEM.format(name=key))

    number = _number(rewriter.text(node))
    if number is None:
        raise rewriter.error(node, _INITIALIZER_PROBLEM.format(name=key))
    number = -number if negative else number
    return _js_number(number), number


def _number(text: str) -> float | None:
    cleaned = text.replace("_", "")
    try:
        if cleaned[:2].lower() in ("0x", "0o", "0b"):
            return float(int(cleaned, 0))
        return float(cleaned)
    except ValueError:
        return None


def _js_number(number: float | None) -> str:
    assert number is not None
    if number.is_integer() and abs(number) < 1e21:
        return str(int(number))
    return repr(number)
