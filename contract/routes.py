"""Routes: routerMatch tables, and dispatch on the request path.

Dispatch is seen where the request path (`req.path`, `req.url`, `url.pathname`,
or a const or destructured name holding one) is compared with a literal
(`===`, `==`, `!==`, `!=`, `switch`/`case`) or tested with `startsWith`. The
method comes from a `req.method === "GET"` check in the same condition or an
enclosing `if`/`case`; when none is visible the route is for every method,
written `*`. Other tests of the path that pick a branch (`endsWith`,
`includes`, `match`, a regular expression, a lookup table keyed by the path,
a comparison with a computed value) make routes dynamic. A path handed to
another function (other than a lookup such as `table.get(path)` or
`re.test(path)`, which is dynamic) is not followed: routes dispatched there
are not seen.
"""

from __future__ import annotations

from .findings import Findings, Unit
from .model import Route
from .scopes import FUNCTIONS, Binding, outer, unwrap
from .syntax import Node, walk
from .values import const_value, static_string

ANY_METHOD = "*"

_PATH_FIELDS = frozenset({"path", "url", "pathname"})
_COMPARISONS = frozenset({"===", "==", "!==", "!="})
# Calls that look the path up somewhere (`re.test(path)`, `table.get(path)`).
_LOOKUP_METHODS = frozenset(
    {"test", "exec", "get", "has", "includes", "indexOf", "find", "some", "match"}
)


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
                else unit.text(key)
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
        fields = _literal_fields(unit, const_value(item, unit.scopes))
        method = fields.get("method") if fields is not None else None
        pattern = None
        if fields is not None:
            pattern = fields.get("path") or fields.get("pattern")
        if method is None or pattern is None:
            findings.dynamic(
                unit, item, "routes", "a route table item that is not literal"
            )
            continue
        findings.route(unit, item, _route(method, pattern), "routerMatch() table item")


def _literal_fields(unit: Unit, item: Node | None) -> dict[str, str] | None:
    if item is None or item.type != "object":
        return None
    fields: dict[str, str] = {}
    for entry in item.named_children:
        if entry.type == "spread_element":
            return None
        if entry.type != "pair":
            continue
        key = entry.child_by_field_name("key")
        value = static_string(entry.child_by_field_name("value"), unit.scopes)
        if key is not None and value is not None:
            fields[unit.text(key).strip("\"'")] = value
    return fields


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


def collect(unit: Unit, findings: Findings) -> None:
    """Routes from comparisons and tests of the request path, anywhere in the module."""
    for node in walk(unit.tree.root_node):
        if node.type in ("identifier", "member_expression") and is_path(unit, node):
            _path_use(unit, findings, node)


def is_path(unit: Unit, node: Node) -> bool:
    """`req.path`, `req.url`, `url.pathname`, or a name always holding one of them."""
    return _is_field(unit, node, _PATH_FIELDS)


def is_method(unit: Unit, node: Node) -> bool:
    """`req.method`, or a name always holding it."""
    return _is_field(unit, node, frozenset({"method"}))


def _is_field(unit: Unit, node: Node, fields: frozenset[str], depth: int = 0) -> bool:
    node = unwrap(node)
    if depth > 8:
        return False

    if node.type == "member_expression":
        member = node.child_by_field_name("property")
        target = node.child_by_field_name("object")
        if member is None or target is None or unit.text(member) not in fields:
            return False
        return _is_request(unit, target, depth + 1)

    if node.type != "identifier":
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
        return constructor is not None and unit.text(constructor) == "URL"
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


def _path_use(unit: Unit, findings: Findings, node: Node) -> None:
    used = outer(node)
    parent = used.parent
    if parent is None:
        return

    if parent.type == "binary_expression" and _operator(parent) in _COMPARISONS:
        left = parent.child_by_field_name("left")
        other = parent.child_by_field_name("right") if left == used else left
        value = static_string(other, unit.scopes)
        if value is None:
            findings.dynamic(
                unit, parent, "routes", "the path compared with a computed value"
            )
            return
        _add(unit, findings, parent, value, False, "the path compared with a literal")
        return

    if parent.type == "switch_statement":
        _switch_routes(unit, findings, parent)
        return

    if (
        parent.type == "member_expression"
        and parent.child_by_field_name("object") == used
    ):
        _method_call(unit, findings, parent)
        return

    if (
        parent.type == "subscript_expression"
        and parent.child_by_field_name("index") == used
    ):
        findings.dynamic(unit, parent, "routes", "a table looked up by the path")
        return

    method = _called_method(unit, parent.parent) if parent.type == "arguments" else None
    if method in _LOOKUP_METHODS:
        findings.dynamic(unit, parent, "routes", f"the path looked up with {method}()")
        return

    if parent.type == "binary_expression" and _operator(parent) == "in":
        findings.dynamic(unit, parent, "routes", "the path looked up with `in`")


def _method_call(unit: Unit, findings: Findings, member: Node) -> None:
    call = member.parent
    name_node = member.child_by_field_name("property")
    if call is None or call.type != "call_expression" or name_node is None:
        return
    name = unit.text(name_node)

    if name == "startsWith":
        value = static_string(_first_argument(call), unit.scopes)
        if value is None:
            findings.dynamic(
                unit, call, "routes", "startsWith() with a computed prefix"
            )
            return
        _add(unit, findings, call, value, True, "startsWith() on the path")
    else:
        # endsWith, includes, match, split, toLowerCase...: a branch on what they
        # give cannot be read as a route.
        findings.dynamic(unit, call, "routes", f"the path tested with {name}()")


def _switch_routes(unit: Unit, findings: Findings, statement: Node) -> None:
    body = statement.child_by_field_name("body")
    if body is None:
        return
    for case in body.named_children:
        if case.type != "switch_case":
            continue
        value_node = case.child_by_field_name("value")
        value = static_string(value_node, unit.scopes)
        if value is None:
            findings.dynamic(
                unit, case, "routes", "a switch on the path with a computed case"
            )
            continue
        _add(unit, findings, case, value, False, "a case of a switch on the path")


def _add(
    unit: Unit, findings: Findings, node: Node, pattern: str, prefix: bool, why: str
) -> None:
    for method in sorted(_methods(unit, node)):
        findings.route(unit, node, Route(method, pattern, prefix), why)


def _methods(unit: Unit, node: Node) -> set[str]:
    """Methods required where `node` is evaluated, from the nearest enclosing check."""
    child = node
    parent = node.parent
    while parent is not None and parent.type not in FUNCTIONS:
        condition: Node | None = None
        if parent.type == "binary_expression" and _operator(parent) == "&&":
            left = parent.child_by_field_name("left")
            right = parent.child_by_field_name("right")
            condition = right if left == child else left
        elif parent.type in ("if_statement", "ternary_expression"):
            if parent.child_by_field_name("consequence") == child:
                condition = parent.child_by_field_name("condition")
        elif parent.type == "switch_case":
            method = _method_case(unit, parent)
            if method is not None:
                return {method}

        if condition is not None:
            methods = _method_checks(unit, condition)
            if methods:
                return methods
        child, parent = parent, parent.parent
    return {ANY_METHOD}


def _method_case(unit: Unit, case: Node) -> str | None:
    """The method of a `case "GET":` in a `switch (req.method)`."""
    body = case.parent
    statement = body.parent if body is not None else None
    subject = statement.child_by_field_name("value") if statement is not None else None
    if subject is None or not is_method(unit, subject):
        return None
    found = static_string(case.child_by_field_name("value"), unit.scopes)
    return found.upper() if found is not None else None


def _method_checks(unit: Unit, condition: Node) -> set[str]:
    """Methods a condition requires: `m === "GET"`, joined by && or ||."""
    condition = unwrap(condition)
    if condition.type != "binary_expression":
        return set()

    operator = _operator(condition)
    left = condition.child_by_field_name("left")
    right = condition.child_by_field_name("right")
    if left is None or right is None:
        return set()

    if operator in ("===", "=="):
        for subject, other in ((left, right), (right, left)):
            if is_method(unit, subject):
                value = static_string(other, unit.scopes)
                return {value.upper()} if value is not None else set()
        return set()
    if operator == "&&":
        return _method_checks(unit, left) or _method_checks(unit, right)
    if operator == "||":
        either = (_method_checks(unit, left), _method_checks(unit, right))
        return either[0] | either[1] if all(either) else set()
    return set()


def _called_method(unit: Unit, call: Node | None) -> str | None:
    function = call.child_by_field_name("function") if call is not None else None
    if function is None or function.type != "member_expression":
        return None
    member = function.child_by_field_name("property")
    return unit.text(member) if member is not None else None


def _first_argument(call: Node) -> Node | None:
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return None
    return next((c for c in arguments.named_children if c.type != "comment"), None)


def _operator(node: Node) -> str:
    operator = node.child_by_field_name("operator")
    return operator.type if operator is not None else ""
