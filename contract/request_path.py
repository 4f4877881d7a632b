"""Which expressions hold the request path or method: `req.path`, `url.pathname`.

The path is a field named path, url or pathname of the request parameter, or
of a URL built from the path (`new URL(req.url, base)`); the method is its
`method` field. A const or destructured name is followed to what it always
holds; a name that is ever assigned again is not the path.
"""

from __future__ import annotations

from .expressions import first_argument, member_name
from .findings import Unit
from .scopes import Binding
from .syntax import Node
from .wrapping import unwrap

_PATH_FIELDS = frozenset({"path", "url", "pathname"})


def is_path(unit: Unit, node: Node) -> bool:
    """`req.path`, `req.url`, `url.pathname`, or a name always holding one of them."""
    return _is_field(unit, node, _PATH_FIELDS)


def is_method(unit: Unit, node: Node) -> bool:
    """`req.method`, or a name always holding it."""
    return _is_field(unit, node, frozenset({"method"}))


def is_url_of_path(unit: Unit, node: Node) -> bool:
    """`new URL(req.url, base)`: a URL object built from the path."""
    constructor = node.child_by_field_name("constructor")
    first = first_argument(node)
    return (
        constructor is not None
        and unit.scopes.is_global(unwrap(constructor), "URL")
        and first is not None
        and is_path(unit, first)
    )


def _is_field(unit: Unit, node: Node, fields: frozenset[str], depth: int = 0) -> bool:
    node = unwrap(node)
    if depth > 8:
        return False

    if node.type in ("member_expression", "subscript_expression"):
        target = node.child_by_field_name("object")
        name = member_name(unit, node)
        if target is None or name not in fields:
            return False
        return _is_request(unit, target, depth + 1)

    if node.type not in ("identifier", "shorthand_property_identifier"):
        return False
    binding = unit.scopes.binding(node)
    if binding is None or binding.assignments or node == binding.node:
        return False
    return _holds_field(unit, binding, fields, depth)


def _holds_field(
    unit: Unit, binding: Binding, fields: frozenset[str], depth: int
) -> bool:
    if binding.kind == "parameter":
        return len(binding.key_path) == 1 and binding.key_path[0] in fields
    if binding.kind not in ("const", "let") or binding.value is None:
        return False
    if not binding.key_path:
        return _is_field(unit, binding.value, fields, depth + 1)
    return (
        len(binding.key_path) == 1
        and binding.key_path[0] in fields
        and _is_request(unit, binding.value, depth + 1)
    )


def _is_request(unit: Unit, node: Node, depth: int) -> bool:
    """A function parameter, or a URL built from one (`new URL(req.url, base)`)."""
    node = unwrap(node)
    if node.type == "new_expression":
        constructor = node.child_by_field_name("constructor")
        return constructor is not None and unit.name_of(constructor) == "URL"
    if node.type != "identifier" or depth > 8:
        return False

    binding = unit.scopes.binding(node)
    if binding is None or binding.assignments:
        return False
    if binding.kind == "parameter":
        return not binding.key_path
    if binding.kind == "const" and binding.is_plain_const and binding.value is not None:
        return _is_request(unit, binding.value, depth + 1)
    return False
