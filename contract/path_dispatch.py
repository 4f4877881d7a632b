"""Routes from dispatch on the request path: comparisons, switches, prefixes.

The request path (`req.path`, `req.url`, `req["path"]`, `url.pathname` of a
`new URL(req.url, base)`, or a const or destructured name holding one) is
followed to every place it is used. Compared with a literal (`===`, `==`,
`switch`/`case`) or tested with `startsWith`, it is a route; its method comes
from a `req.method === "GET"` check in the same condition or an enclosing
`if`/`case`, else the route is for every method, written `*`.

Every other use is dispatch the route list cannot name, so routes become
dynamic: `!==` (every other path takes that branch), any other test or
method (`endsWith`, `.length`, `match`, a regular expression, a lookup table
keyed by the path), a value computed from the path and then compared, the
path handed to a function the analysis does not follow, and the request
itself handed to such code. Uses that cannot pick a branch are left alone:
the path written into a response, a log line or a fetch URL (directly or
inside a string or object built for it), and the path added to a collection
that nothing ever reads back (`seen.set(path, n)` with `seen` only written).

This module follows the path; request_path.py says what holds it,
path_sinks.py where it may go unread, route_findings.py records routes and
their methods, and request_handoff.py watches the request object itself.
"""

from __future__ import annotations

from . import request_handoff
from .expressions import first_argument, is_typeof, member_name, operator_of
from .findings import Findings, Unit
from .path_sinks import (
    INSERTIONS,
    is_response_constructor,
    is_sink,
    is_write_only_collection,
    makes_string,
)
from .request_path import is_path, is_url_of_path
from .route_findings import add_routes, dynamic_routes
from .syntax import Node, walk
from .values import static_string
from .wrapping import outer, unwrap

# Members of a URL object built from the path that carry no part of the path.
_URL_OTHER_PARTS = frozenset(
    {
        "search",
        "searchParams",
        "hash",
        "host",
        "hostname",
        "origin",
        "protocol",
        "port",
        "username",
        "password",
    }
)
# Calls that look the path up somewhere (`re.test(path)`, `table.get(path)`).
_LOOKUP_METHODS = frozenset(
    {"test", "exec", "get", "has", "includes", "indexOf", "find", "some", "match"}
)
_DEPTH_LIMIT = 12
_PATH_NODES = frozenset(
    {
        "identifier",
        "shorthand_property_identifier",
        "member_expression",
        "subscript_expression",
    }
)


def collect(unit: Unit, findings: Findings) -> None:
    """Routes from comparisons and tests of the request path, anywhere in the module."""
    for node in walk(unit.tree.root_node):
        if node.type in _PATH_NODES:
            if is_path(unit, node):
                _flow(unit, findings, node, derived=False, depth=0)
        elif node.type == "new_expression" and is_url_of_path(unit, node):
            _url_object(unit, findings, node, 0)

    request_handoff.collect(unit, findings)


def _flow(
    unit: Unit, findings: Findings, node: Node, *, derived: bool, depth: int
) -> None:
    """Follow one use of the path (or of a value built from it) to where it ends.

    `derived` is set once the value is no longer the path itself: a string
    or object built from it, which can still reach a branch but never names
    a route.
    """
    used = outer(node)
    parent = used.parent
    if parent is None:
        return
    if depth > _DEPTH_LIMIT:
        dynamic_routes(
            unit, findings, parent, "the path followed further than the analysis goes"
        )
        return

    kind = parent.type
    if kind == "binary_expression":
        _operand(unit, findings, parent, used, derived=derived, depth=depth)
    elif kind == "template_substitution" and parent.parent is not None:
        _flow(unit, findings, parent.parent, derived=True, depth=depth + 1)
    elif kind == "switch_statement" and not derived:
        _switch_routes(unit, findings, parent)
    elif kind in ("member_expression", "subscript_expression"):
        _member_use(unit, findings, parent, used, derived=derived)
    elif kind == "arguments":
        _argument(unit, findings, parent, used, derived=derived, depth=depth)
    elif kind == "variable_declarator":
        _declared(unit, findings, parent, derived=derived, depth=depth)
    elif kind in ("pair", "object", "array", "spread_element"):
        container = parent.parent if kind in ("pair", "spread_element") else parent
        if container is not None and container.type in ("object", "array"):
            _flow(unit, findings, container, derived=True, depth=depth + 1)
        else:
            dynamic_routes(
                unit, findings, parent, "the path handed on where it is not followed"
            )
    elif kind == "jsx_expression" and _rendered(unit, parent):
        return
    elif (
        kind == "ternary_expression" and parent.child_by_field_name("condition") != used
    ):
        _flow(unit, findings, parent, derived=derived, depth=depth + 1)
    elif kind == "expression_statement" or is_typeof(parent):
        return
    else:
        dynamic_routes(
            unit, findings, parent, "the path used where the analysis cannot follow it"
        )


def _rendered(unit: Unit, expression: Node) -> bool:
    """`<p>{path}</p>`, `<a title={path}>`: written into HTML by an element, not
    handed to a component that could branch on it."""
    holder = expression.parent
    if holder is not None and holder.type == "jsx_attribute":
        holder = holder.parent
    elif holder is not None and holder.type == "jsx_element":
        holder = holder.children[0] if holder.children else None
    if holder is None or holder.type not in (
        "jsx_opening_element",
        "jsx_self_closing_element",
    ):
        return False
    name = holder.child_by_field_name("name")
    if name is None or name.type != "identifier":
        return False
    tag = unit.name_of(name)
    return tag[:1].islower() or "-" in tag


def _operand(
    unit: Unit,
    findings: Findings,
    expression: Node,
    used: Node,
    *,
    derived: bool,
    depth: int,
) -> None:
    operator = operator_of(expression)
    if operator == "+":
        _flow(unit, findings, expression, derived=True, depth=depth + 1)
        return
    if operator in ("===", "==") and not derived:
        _comparison(unit, findings, expression, used)
        return
    if operator in ("!==", "!="):
        dynamic_routes(
            unit,
            findings,
            expression,
            f"the path compared with {operator}: every other path takes that branch",
        )
        return
    if operator == "in":
        dynamic_routes(unit, findings, expression, "the path looked up with `in`")
        return
    what = "a value built from the path" if derived else "the path"
    dynamic_routes(unit, findings, expression, f"{what} tested with {operator}")


def _comparison(unit: Unit, findings: Findings, expression: Node, used: Node) -> None:
    left = expression.child_by_field_name("left")
    other = expression.child_by_field_name("right") if left == used else left
    value = static_string(other, unit.scopes)
    if value is None:
        dynamic_routes(
            unit, findings, expression, "the path compared with a computed value"
        )
        return
    if _negated(expression):
        dynamic_routes(
            unit,
            findings,
            expression,
            "the path comparison negated with !: every other path takes that branch",
        )
        return
    add_routes(
        unit, findings, expression, value, False, "the path compared with a literal"
    )


def _negated(expression: Node) -> bool:
    """`!(path === "/x")`: an odd number of `!` right around the comparison."""
    count = 0
    current = outer(expression)
    while current.parent is not None and current.parent.type == "unary_expression":
        if current.parent.children[0].type != "!":
            break
        count += 1
        current = outer(current.parent)
    return count % 2 == 1


def _member_use(
    unit: Unit, findings: Findings, member: Node, used: Node, *, derived: bool
) -> None:
    if member.child_by_field_name("object") != used:
        dynamic_routes(unit, findings, member, "a table looked up by the path")
        return
    call = member.parent
    name = member_name(unit, member)
    if derived or name is None:
        dynamic_routes(unit, findings, member, "a value built from the path tested")
        return
    if call is None or call.type != "call_expression":
        # `.length`, `[0]`: a branch on what they give cannot be read as a route.
        dynamic_routes(unit, findings, member, f"the path's {name} used")
        return
    if name != "startsWith":
        # endsWith, includes, match, split, toLowerCase...
        dynamic_routes(unit, findings, call, f"the path tested with {name}()")
        return

    value = static_string(first_argument(call), unit.scopes)
    if value is None:
        dynamic_routes(unit, findings, call, "startsWith() with a computed prefix")
        return
    add_routes(unit, findings, call, value, True, "startsWith() on the path")


def _argument(
    unit: Unit,
    findings: Findings,
    arguments: Node,
    used: Node,
    *,
    derived: bool,
    depth: int,
) -> None:
    call = arguments.parent
    if call is None:
        return
    if call.type == "new_expression":
        if is_url_of_path(unit, call) and first_argument(call) == used:
            return  # the URL object is followed on its own
        if is_response_constructor(unit, call):
            return
        dynamic_routes(unit, findings, call, "the path handed to a constructor")
        return

    function = call.child_by_field_name("function")
    method = _called_member(unit, call)
    if function is None:
        return
    if is_sink(unit, unwrap(function)):
        return
    if makes_string(unit, unwrap(function)):
        _flow(unit, findings, call, derived=True, depth=depth + 1)
        return
    if method in INSERTIONS and is_write_only_collection(unit, function):
        return
    if method in _LOOKUP_METHODS:
        dynamic_routes(unit, findings, call, f"the path looked up with {method}()")
        return
    what = "a value built from the path" if derived else "the path"
    dynamic_routes(
        unit,
        findings,
        call,
        f"{what} handed to a function the analysis does not follow",
    )


def _declared(
    unit: Unit, findings: Findings, declarator: Node, *, derived: bool, depth: int
) -> None:
    """`const p = req.path` is followed through p; other bindings are not."""
    name = declarator.child_by_field_name("name")
    binding = unit.scopes.binding(name) if name is not None else None
    if (
        name is None
        or name.type != "identifier"
        or binding is None
        or binding.kind not in ("const", "let")
        or binding.assignments
    ):
        dynamic_routes(
            unit, findings, declarator, "the path kept where it is not followed"
        )
        return
    if derived:
        for reference in binding.references:
            _flow(unit, findings, reference, derived=True, depth=depth + 1)


def _url_object(unit: Unit, findings: Findings, node: Node, depth: int) -> None:
    """`new URL(req.url, base)`: its pathname is the path; its other parts that
    carry the path (href, toString) are followed like the path."""
    used = outer(node)
    parent = used.parent
    if parent is None or depth > _DEPTH_LIMIT:
        return
    if parent.type in ("member_expression", "subscript_expression"):
        name = member_name(unit, parent)
        if parent.child_by_field_name("object") != used:
            dynamic_routes(unit, findings, parent, "a table looked up by the path")
        elif name == "pathname" or name in _URL_OTHER_PARTS:
            return
        else:
            _flow(unit, findings, parent, derived=True, depth=depth + 1)
        return
    if parent.type == "variable_declarator":
        target = parent.child_by_field_name("name")
        binding = unit.scopes.binding(target) if target is not None else None
        if binding is not None and binding.is_plain_const and not binding.assignments:
            for reference in binding.references:
                _url_object(unit, findings, reference, depth + 1)
            return
    _flow(unit, findings, used, derived=True, depth=depth + 1)


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
            dynamic_routes(
                unit, findings, case, "a switch on the path with a computed case"
            )
            continue
        add_routes(unit, findings, case, value, False, "a case of a switch on the path")


def _called_member(unit: Unit, call: Node) -> str | None:
    function = call.child_by_field_name("function")
    if function is None or unwrap(function).type != "member_expression":
        return None
    return member_name(unit, unwrap(function))
