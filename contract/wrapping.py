"""Parentheses and TypeScript casts around an expression: seeing in, and out.

`(x as T)!` is x to every check: unwrap finds the expression inside the
wrappers, outer the outermost wrapper, whose parent is where x is used.
"""

from __future__ import annotations

from .syntax import Node
from .typescript import TYPE_CONTEXT


def unwrap(node: Node) -> Node:
    """The expression inside parentheses and TypeScript casts."""
    while node.type in (
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
    ):
        inner = [
            child for child in node.named_children if child.type not in TYPE_CONTEXT
        ]
        if not inner:
            break
        node = inner[-1] if node.type == "type_assertion" else inner[0]
    return node


def call_of(node: Node) -> Node | None:
    """The call that calls `node` as it stands: `node(...)`, `(node as F)(...)`;
    None when the node is used any other way."""
    used = outer(node)
    parent = used.parent
    if parent is None or parent.type != "call_expression":
        return None
    return parent if parent.child_by_field_name("function") == used else None


def outer(node: Node) -> Node:
    """The outermost parenthesis or cast wrapping `node` (itself when none)."""
    current = node
    while current.parent is not None and current.parent.type in (
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
    ):
        current = current.parent
    return current
