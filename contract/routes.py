"""Routes from routerMatch tables: object keys or {method, path} items.

A table is read only when it is a literal the analysis can see whole: a
const handed to routerMatch and nothing else, never exported. An entry it
cannot read (a computed key, a spread, a getter, an item whose fields are not
literal) makes routes dynamic. Dispatch on the request path itself is
path_dispatch.py's.
"""

from __future__ import annotations

from .findings import Findings, Unit
from .model import Route
from .syntax import Node
from .values import const_value, literal_fields, static_string
from .wrapping import outer, unwrap


def router_table(
    unit: Unit, findings: Findings, call: Node, arguments: list[Node]
) -> None:
    """Routes of `routerMatch(table, request)`: object keys or {method, path} items."""
    table, problem = _table(unit, arguments[0] if arguments else None)
    if table is None:
        findings.dynamic(unit, call, "routes", f"routerMatch() with {problem}")
        return

    if table.type == "object":
        _object_table(unit, findings, table)
    else:
        _array_table(unit, findings, table)


def _table(unit: Unit, argument: Node | None) -> tuple[Node | None, str]:
    """The literal route table, or None and why it cannot be read."""
    not_literal = "a table that is not a literal"
    if argument is None:
        return None, not_literal
    argument = unwrap(argument)
    if argument.type == "identifier":
        binding = unit.scopes.binding(argument)
        if binding is None or not binding.is_plain_const or binding.assignments:
            return None, not_literal
        if _is_exported(binding.node) or any(
            not _is_table_argument(reference) for reference in binding.references
        ):
            return None, "a table other code can change"

    table = const_value(argument, unit.scopes)
    if table is None or table.type not in ("object", "array"):
        return None, not_literal
    return table, ""


def _is_exported(declared: Node) -> bool:
    """An exported table can be changed by the modules that import it."""
    current = declared.parent
    while current is not None:
        if current.type == "export_statement":
            return True
        current = current.parent
    return False


def _is_table_argument(reference: Node) -> bool:
    """The const table is only ever handed to routerMatch (so nothing mutates it)."""
    used = outer(reference)
    arguments = used.parent
    if arguments is None or arguments.type != "arguments":
        return False
    first = next((c for c in arguments.named_children if c.type != "comment"), None)
    return first == used


def _object_table(unit: Unit, findings: Findings, table: Node) -> None:
    for entry in table.named_children:
        if entry.type == "comment":
            continue
        key = entry.child_by_field_name("key") if entry.type == "pair" else None
        text = None
        if key is not None and key.type in ("string", "property_identifier"):
            text = (
                static_string(key, unit.scopes)
                if key.type == "string"
                else unit.name_of(key)
            )
        if text is None:
            findings.dynamic(
                unit, entry, "routes", "a route table entry with a computed key"
            )
            continue

        route = route_from_key(text)
        if route is not None:
            findings.route(unit, entry, route, "routerMatch() table key")


def _array_table(unit: Unit, findings: Findings, table: Node) -> None:
    for item in table.named_children:
        if item.type == "comment":
            continue
        fields = literal_fields(const_value(item, unit.scopes), unit.scopes)
        method = fields.get("method") if fields is not None else None
        pattern = None
        if fields is not None:
            # The runtime takes `path` when it is a string, else `pattern`.
            pattern = fields["path"] if "path" in fields else fields.get("pattern")
        if method is None or pattern is None:
            findings.dynamic(
                unit, item, "routes", "a route table item that is not literal"
            )
            continue
        findings.route(unit, item, _route(method, pattern), "routerMatch() table item")


def route_from_key(key: str) -> Route | None:
    """`"GET /users/:id"` → GET /users/:id; a `*` segment makes a prefix route."""
    method, separator, pattern = key.partition(" ")
    if not separator or not method:
        return None
    return _route(method, pattern)


def _route(method: str, pattern: str) -> Route:
    segments = pattern.split("/")
    for index, segment in enumerate(segments):
        if segment.startswith("*"):
            return Route(method.upper(), "/".join(segments[:index]) + "/", True)
    return Route(method.upper(), pattern, False)
