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
"""

from __future__ import annotations

from . import callers
from .findings import Findings, Unit
from .model import Route
from .scopes import FUNCTIONS, Binding, outer, unwrap
from .syntax import Node, walk
from .values import static_string

ANY_METHOD = "*"

_PATH_FIELDS = frozenset({"path", "url", "pathname"})
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
# Where the path may go without picking a branch.
_SINK_MODULES = frozenset({"zigttp:log", "zigttp:fetch"})
_RESPONSE_FACTORIES = frozenset({"json", "text", "html", "redirect"})
_STRING_MAKERS = frozenset({"String", "encodeURIComponent", "encodeURI"})
_INSERTIONS = frozenset({"set", "add", "push", "unshift"})
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
        elif node.type == "new_expression" and _is_url_of_path(unit, node):
            _url_object(unit, findings, node, 0)

    for binding in _request_bindings(unit, findings):
        for reference in binding.references:
            _request_use(unit, findings, reference)


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

    if node.type in ("member_expression", "subscript_expression"):
        target = node.child_by_field_name("object")
        name = _member_name(unit, node)
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


# Where the path goes ----------------------------------------------------------


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
        _dynamic(
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
            _dynamic(
                unit, findings, parent, "the path handed on where it is not followed"
            )
    elif kind == "jsx_expression" and _rendered(unit, parent):
        return
    elif (
        kind == "ternary_expression" and parent.child_by_field_name("condition") != used
    ):
        _flow(unit, findings, parent, derived=derived, depth=depth + 1)
    elif kind == "expression_statement" or _is_typeof(parent):
        return
    else:
        _dynamic(
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
    operator = _operator(expression)
    if operator == "+":
        _flow(unit, findings, expression, derived=True, depth=depth + 1)
        return
    if operator in ("===", "==") and not derived:
        _comparison(unit, findings, expression, used)
        return
    if operator in ("!==", "!="):
        _dynamic(
            unit,
            findings,
            expression,
            f"the path compared with {operator}: every other path takes that branch",
        )
        return
    if operator == "in":
        _dynamic(unit, findings, expression, "the path looked up with `in`")
        return
    what = "a value built from the path" if derived else "the path"
    _dynamic(unit, findings, expression, f"{what} tested with {operator}")


def _comparison(unit: Unit, findings: Findings, expression: Node, used: Node) -> None:
    left = expression.child_by_field_name("left")
    other = expression.child_by_field_name("right") if left == used else left
    value = static_string(other, unit.scopes)
    if value is None:
        _dynamic(unit, findings, expression, "the path compared with a computed value")
        return
    if _negated(expression):
        _dynamic(
            unit,
            findings,
            expression,
            "the path comparison negated with !: every other path takes that branch",
        )
        return
    _add(unit, findings, expression, value, False, "the path compared with a literal")


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
        _dynamic(unit, findings, member, "a table looked up by the path")
        return
    call = member.parent
    name = _member_name(unit, member)
    if derived or name is None:
        _dynamic(unit, findings, member, "a value built from the path tested")
        return
    if call is None or call.type != "call_expression":
        # `.length`, `[0]`: a branch on what they give cannot be read as a route.
        _dynamic(unit, findings, member, f"the path's {name} used")
        return
    if name != "startsWith":
        # endsWith, includes, match, split, toLowerCase...
        _dynamic(unit, findings, call, f"the path tested with {name}()")
        return

    value = static_string(_first_argument(call), unit.scopes)
    if value is None:
        _dynamic(unit, findings, call, "startsWith() with a computed prefix")
        return
    _add(unit, findings, call, value, True, "startsWith() on the path")


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
        if _is_url_of_path(unit, call) and _first_argument(call) == used:
            return  # the URL object is followed on its own
        if _is_response_constructor(unit, call):
            return
        _dynamic(unit, findings, call, "the path handed to a constructor")
        return

    function = call.child_by_field_name("function")
    method = _called_member(unit, call)
    if function is None:
        return
    if _is_sink(unit, unwrap(function)):
        return
    if _makes_string(unit, unwrap(function)):
        _flow(unit, findings, call, derived=True, depth=depth + 1)
        return
    if method in _INSERTIONS and _write_only_collection(unit, function):
        return
    if method in _LOOKUP_METHODS:
        _dynamic(unit, findings, call, f"the path looked up with {method}()")
        return
    what = "a value built from the path" if derived else "the path"
    _dynamic(
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
        _dynamic(unit, findings, declarator, "the path kept where it is not followed")
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
        name = _member_name(unit, parent)
        if parent.child_by_field_name("object") != used:
            _dynamic(unit, findings, parent, "a table looked up by the path")
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


# The request itself -------------------------------------------------------------


def _request_bindings(unit: Unit, findings: Findings) -> list[Binding]:
    """The request parameter of the handler and route functions of this module.

    A parameter destructured with a rest element or a computed key keeps
    fields the analysis cannot name: routes are dynamic.
    """
    functions = callers.request_functions([unit])
    found: list[Binding] = []
    for binding in unit.scopes.bindings:
        function = binding.function
        if binding.kind != "parameter" or function is None or binding.index != 0:
            continue
        if function.id not in functions:
            continue
        if not binding.key_path:
            found.append(binding)
        elif "..." in binding.key_path or "?" in binding.key_path:
            _dynamic(
                unit,
                findings,
                binding.node,
                "the request destructured into names the analysis cannot follow",
            )
    return found


def _request_use(unit: Unit, findings: Findings, reference: Node) -> None:
    """The request read by named fields, or handed to code the analysis follows."""
    used = outer(reference)
    parent = used.parent
    if parent is None or parent.type == "expression_statement" or _is_typeof(parent):
        return
    if parent.type in ("member_expression", "subscript_expression"):
        if _member_name(unit, parent) is None:
            _dynamic(
                unit, findings, parent, "a field of the request chosen at run time"
            )
        return
    if parent.type == "variable_declarator":
        pattern = parent.child_by_field_name("name")
        if pattern is not None and _names_fields(unit, pattern):
            return
    if parent.type == "arguments" and parent.parent is not None:
        call = parent.parent
        function = call.child_by_field_name("function")
        if function is not None and (
            _is_sink(unit, unwrap(function))
            or _is_own_function(unit, function)
            or _is_router(unit, unwrap(function))
        ):
            return
    if parent.type == "binary_expression" and _operator(parent) in ("===", "!=="):
        return
    if (
        parent.type == "call_expression"
        and parent.child_by_field_name("function") == used
    ):
        return  # the request is no function: calling it throws
    _dynamic(
        unit,
        findings,
        parent,
        "the request handed to code the analysis does not follow",
    )


def _names_fields(unit: Unit, pattern: Node) -> bool:
    """`const { path, method } = req`, or a plain const alias the analysis follows."""
    pattern = unwrap(pattern)
    if pattern.type == "identifier":
        binding = unit.scopes.binding(pattern)
        return (
            binding is not None and binding.is_plain_const and not binding.assignments
        )
    if pattern.type != "object_pattern":
        return False
    return all(
        child.type != "rest_pattern"
        and not (child.type == "pair_pattern" and _computed_key(child))
        for child in pattern.named_children
    )


def _computed_key(pair: Node) -> bool:
    key = pair.child_by_field_name("key")
    return key is None or key.type == "computed_property_name"


def _is_router(unit: Unit, function: Node, depth: int = 0) -> bool:
    """routerMatch(table, req), and `found.handler(req)` of what it found: the
    routes are the table's, its functions take the request as handlers do."""
    function = unwrap(function)
    if function.type == "member_expression":
        target = function.child_by_field_name("object")
        return target is not None and _is_router(unit, target, depth)
    if function.type == "call_expression":
        called = function.child_by_field_name("function")
        return called is not None and _is_router(unit, called, depth)
    if function.type != "identifier" or depth > 4:
        return False
    binding = unit.scopes.binding(function)
    if binding is None:
        return False
    if binding.import_target == "zigttp:router":
        return True
    return (
        binding.is_plain_const
        and binding.value is not None
        and unwrap(binding.value).type == "call_expression"
        and _is_router(unit, binding.value, depth + 1)
    )


def _is_own_function(unit: Unit, function: Node) -> bool:
    """A function of this module: its parameter's fields are read where it runs."""
    function = unwrap(function)
    return function.type == "identifier" and bool(callers.functions_of(unit, function))


# Sinks --------------------------------------------------------------------------


def _is_sink(unit: Unit, function: Node) -> bool:
    """Response.json(...), console.log(...), logInfo(...), fetch(...)."""
    if function.type == "identifier":
        binding = unit.scopes.binding(function)
        return binding is not None and binding.import_target in _SINK_MODULES
    if function.type != "member_expression":
        return False
    target = function.child_by_field_name("object")
    name = _member_name(unit, function)
    if target is None:
        return False
    if unit.scopes.is_global(target, "Response"):
        return name in _RESPONSE_FACTORIES
    if unit.scopes.is_global(target, "console"):
        return True
    if target.type == "identifier":
        binding = unit.scopes.binding(target)
        return (
            binding is not None
            and binding.imported == "*"
            and binding.import_target in _SINK_MODULES
        )
    return False


def _makes_string(unit: Unit, function: Node) -> bool:
    """`String(path)`, `JSON.stringify(path)`: the result is built from the path."""
    if function.type == "identifier":
        return any(unit.scopes.is_global(function, name) for name in _STRING_MAKERS)
    if function.type != "member_expression":
        return False
    target = function.child_by_field_name("object")
    return (
        target is not None
        and unit.scopes.is_global(target, "JSON")
        and _member_name(unit, function) == "stringify"
    )


def _is_response_constructor(unit: Unit, call: Node) -> bool:
    constructor = call.child_by_field_name("constructor")
    return constructor is not None and unit.scopes.is_global(
        unwrap(constructor), "Response"
    )


def _is_url_of_path(unit: Unit, node: Node) -> bool:
    constructor = node.child_by_field_name("constructor")
    first = _first_argument(node)
    return (
        constructor is not None
        and unit.scopes.is_global(unwrap(constructor), "URL")
        and first is not None
        and is_path(unit, first)
    )


def _write_only_collection(unit: Unit, function: Node) -> bool:
    """`seen.set(path, n)` where every use of `seen` only adds to it."""
    function = unwrap(function)
    target = function.child_by_field_name("object")
    if target is None or unwrap(target).type != "identifier":
        return False
    binding = unit.scopes.binding(unwrap(target))
    if binding is None or binding.kind not in ("const", "let") or binding.assignments:
        return False
    for reference in binding.references:
        member = outer(reference).parent
        call = outer(member).parent if member is not None else None
        statement = outer(call).parent if call is not None else None
        if (
            member is None
            or member.type != "member_expression"
            or _member_name(unit, member) not in _INSERTIONS
            or call is None
            or call.type != "call_expression"
            or statement is None
            or statement.type != "expression_statement"
        ):
            return False
    return True


# Routes and their methods -------------------------------------------------------


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
            _dynamic(unit, findings, case, "a switch on the path with a computed case")
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


# Small readers --------------------------------------------------------------------


def _dynamic(unit: Unit, findings: Findings, node: Node, why: str) -> None:
    findings.dynamic(unit, node, "routes", why)


def _member_name(unit: Unit, member: Node) -> str | None:
    if member.type == "member_expression":
        name = member.child_by_field_name("property")
        return unit.name_of(name) if name is not None else None
    return static_string(member.child_by_field_name("index"), unit.scopes)


def _called_member(unit: Unit, call: Node) -> str | None:
    function = call.child_by_field_name("function")
    if function is None or unwrap(function).type != "member_expression":
        return None
    return _member_name(unit, unwrap(function))


def _first_argument(call: Node) -> Node | None:
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return None
    return next((c for c in arguments.named_children if c.type != "comment"), None)


def _is_typeof(node: Node) -> bool:
    return node.type == "unary_expression" and node.children[0].type == "typeof"


def _operator(node: Node) -> str:
    operator = node.child_by_field_name("operator")
    return operator.type if operator is not None else ""
