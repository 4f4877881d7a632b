"""injectionSafe, best effort: does request data reach HTML or a fetch URL unescaped?

Request data starts at the handler's parameter (and at the parameter of any
function in a routerMatch table) and follows consts, lets, destructuring,
string building, array callbacks and calls of the module's own functions.
`escapeHtml` (zigttp:text), `encodeURIComponent` and `renderToString` clean
it. Data the analysis cannot trace (a parameter of a function passed around,
a value from another module or the cache) leaves the property undecided.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from . import callers
from .findings import Findings, Unit
from .scopes import FUNCTIONS, Binding, outer, unwrap
from .syntax import Node, walk

CLEAN, UNKNOWN, TAINTED = 0, 1, 2

HTML, URL = "html", "url"

_DEPTH_LIMIT = 40
_LITERALS = frozenset(
    {"string", "number", "true", "false", "null", "undefined", "regex", "this"}
)
_NUMERIC_GLOBALS = frozenset({"Number", "parseInt", "parseFloat", "Boolean", "isNaN"})
# Methods whose result carries the data of their subject and arguments.
_PASSING_METHODS = frozenset(
    {
        "trim",
        "trimStart",
        "trimEnd",
        "toLowerCase",
        "toUpperCase",
        "slice",
        "substring",
        "substr",
        "padStart",
        "padEnd",
        "concat",
        "at",
        "charAt",
        "normalize",
        "repeat",
        "toString",
        "valueOf",
        "join",
        "get",
        "getAll",
        "json",
        "text",
        "split",
        "flat",
        "filter",
        "find",
    }
)
_ARRAY_RESULT_METHODS = frozenset({"map", "flatMap"})
_RESPONSE_FACTORIES = frozenset({"json", "text", "html", "redirect"})
# Constructors whose object holds only what they are given.
_BUILT_INS = frozenset(
    {"URL", "URLSearchParams", "Request", "Headers", "Map", "Set", "Array", "Error"}
)
# Methods that answer with a number or a boolean, whatever they are given.
_NUMERIC_METHODS = frozenset(
    {
        "indexOf",
        "lastIndexOf",
        "includes",
        "startsWith",
        "endsWith",
        "test",
        "localeCompare",
        "charCodeAt",
        "codePointAt",
    }
)

# What calling an export of a virtual module gives back, for taint.
_VIRTUAL_RESULTS = {
    "zigttp:crypto": CLEAN,
    "zigttp:id": CLEAN,
    "zigttp:env": CLEAN,
    "zigttp:log": CLEAN,
    "zigttp:cache": UNKNOWN,
    "zigttp:fetch": UNKNOWN,
}
_CLEANING_EXPORTS = {
    ("zigttp:text", "escapeHtml"),
    ("zigttp:text", "slugify"),
    ("zigttp:url", "urlEncode"),
}


@dataclass
class _Context:
    # Node ids of the functions the runtime calls with a request.
    request_functions: set[int]
    memo: dict[tuple[str, int, str], int] = field(default_factory=dict)
    active: set[tuple[str, int, str]] = field(default_factory=set)
    # How many times a cycle was cut short; results computed across a cut are
    # provisional and not remembered.
    cuts: int = 0


def collect(
    units: list[Unit], findings: Findings, fetch_urls: Iterable[tuple[Unit, Node, Node]]
) -> None:
    """Check every Response.html(...) and fetch URL for request data."""
    context = _Context(callers.request_functions(units))

    for unit in units:
        for call, content, where in _html_sinks(unit):
            _judge(context, unit, findings, call, content, HTML, where)
        _hidden_sinks(context, unit, findings)
    for unit, call, url in fetch_urls:
        _judge(context, unit, findings, call, url, URL, "a fetch URL")


def _judge(
    context: _Context,
    unit: Unit,
    findings: Findings,
    call: Node,
    value: Node,
    sink: str,
    where: str,
) -> None:
    """Judge what reaches one sink (HTML or URL); `where` names it for people."""
    taint = _taint(context, unit, value, sink, 0)
    if taint == TAINTED:
        cleaner = "escapeHtml()" if sink == HTML else "encodeURIComponent()"
        findings.violates(
            unit,
            call,
            "injectionSafe",
            f"request data reaches {where} without {cleaner}",
        )
    elif taint == UNKNOWN:
        findings.undecided(
            unit,
            call,
            "injectionSafe",
            f"{where} gets a value the analysis cannot trace",
        )


def _html_sinks(unit: Unit) -> Iterable[tuple[Node, Node, str]]:
    for node in walk(unit.tree.root_node):
        if node.type == "call_expression":
            function = node.child_by_field_name("function")
            if function is None or function.type != "member_expression":
                continue
            target = function.child_by_field_name("object")
            member = function.child_by_field_name("property")
            if (
                target is not None
                and member is not None
                and unit.name_of(member) == "html"
                and unit.scopes.is_global(target, "Response")
            ):
                arguments = callers.call_arguments(node)
                if arguments:
                    yield node, arguments[0], "Response.html()"
        elif node.type == "new_expression":
            constructor = node.child_by_field_name("constructor")
            arguments = callers.call_arguments(node)
            if (
                constructor is not None
                and unit.scopes.is_global(constructor, "Response")
                and len(arguments) > 1
                and _declares_html(unit, arguments[1])
            ):
                yield node, arguments[0], "an HTML Response"


def _hidden_sinks(context: _Context, unit: Unit, findings: Findings) -> None:
    """Responses whose kind cannot be read: Response passed around, or `new Response`
    with headers that are not a literal, given data that is not clean."""
    for reference in unit.scopes.globals.get("Response", []):
        used = outer(reference)
        parent = used.parent
        if parent is None or parent.type == "new_expression" or _is_typeof(parent):
            continue
        member = parent.child_by_field_name("property")
        call = outer(parent).parent if parent.type == "member_expression" else None
        if (
            member is not None
            and unit.name_of(member) in _RESPONSE_FACTORIES
            and call is not None
            and call.type == "call_expression"
        ):
            continue
        findings.undecided(
            unit,
            used,
            "injectionSafe",
            "Response used as a value: its HTML is not followed",
        )

    for node in walk(unit.tree.root_node):
        if node.type != "new_expression":
            continue
        constructor = node.child_by_field_name("constructor")
        arguments = callers.call_arguments(node)
        if (
            constructor is None
            or not unit.scopes.is_global(constructor, "Response")
            or len(arguments) < 2
            or _headers_are_literal(unit, arguments[1])
        ):
            continue
        if _taint(context, unit, arguments[0], HTML, 0) != CLEAN:
            findings.undecided(
                unit,
                node,
                "injectionSafe",
                "new Response() with headers that are not a literal",
            )


def _headers_are_literal(unit: Unit, init: Node) -> bool:
    init = unwrap(init)
    if init.type != "object":
        return False
    for entry in init.named_children:
        if entry.type == "comment":
            continue
        if entry.type != "pair":
            return False
        if _key(unit, entry) == "headers":
            headers = entry.child_by_field_name("value")
            if headers is None or unwrap(headers).type != "object":
                return False
    return True


def _is_typeof(node: Node) -> bool:
    return node.type == "unary_expression" and node.children[0].type == "typeof"


def _declares_html(unit: Unit, init: Node) -> bool:
    init = unwrap(init)
    if init.type != "object":
        return False
    for pair in init.named_children:
        if pair.type != "pair" or _key(unit, pair) != "headers":
            continue
        headers = pair.child_by_field_name("value")
        if headers is None or unwrap(headers).type != "object":
            continue
        for header in unwrap(headers).named_children:
            if header.type == "pair" and _key(unit, header).lower() == "content-type":
                value = header.child_by_field_name("value")
                if value is not None and "html" in unit.name_of(value).lower():
                    return True
    return False


# Taint -------------------------------------------------------------------------


def _taint(
    context: _Context, unit: Unit, node: Node | None, sink: str, depth: int
) -> int:
    if node is None:
        return CLEAN
    node = unwrap(node)
    key = (unit.name, node.id, sink)
    if key in context.memo:
        return context.memo[key]
    if key in context.active:
        # A value defined through itself (`s = s + x`): the other parts decide.
        context.cuts += 1
        return CLEAN
    if depth > _DEPTH_LIMIT:
        return UNKNOWN

    cuts = context.cuts
    context.active.add(key)
    try:
        result = _expression(context, unit, node, sink, depth + 1)
    finally:
        context.active.discard(key)
    if context.cuts == cuts:
        context.memo[key] = result
    return result


def _expression(
    context: _Context, unit: Unit, node: Node, sink: str, depth: int
) -> int:
    kind = node.type
    if kind in _LITERALS or kind in FUNCTIONS or kind.startswith("jsx_"):
        return CLEAN
    if kind == "template_string":
        return _worst(
            _taint(context, unit, part, sink, depth)
            for substitution in node.named_children
            if substitution.type == "template_substitution"
            for part in substitution.named_children
        )
    if kind == "binary_expression":
        operator = node.child_by_field_name("operator")
        if operator is not None and operator.type in ("+", "??", "||", "&&"):
            return _worst(
                _taint(context, unit, node.child_by_field_name(side), sink, depth)
                for side in ("left", "right")
            )
        return CLEAN
    if kind == "ternary_expression":
        return _worst(
            _taint(context, unit, node.child_by_field_name(side), sink, depth)
            for side in ("consequence", "alternative")
        )
    if kind == "identifier":
        return _identifier(context, unit, node, sink, depth)
    if kind in ("member_expression", "subscript_expression"):
        member = node.child_by_field_name("property")
        if member is not None and unit.name_of(member) == "length":
            return CLEAN
        return _taint(context, unit, node.child_by_field_name("object"), sink, depth)
    if kind == "call_expression":
        return _call(context, unit, node, sink, depth)
    if kind == "new_expression":
        constructor = node.child_by_field_name("constructor")
        if constructor is None or not any(
            unit.scopes.is_global(constructor, name) for name in _BUILT_INS
        ):
            return UNKNOWN
        return _worst(
            _taint(context, unit, argument, sink, depth)
            for argument in callers.call_arguments(node)
        )
    if kind in ("object", "array"):
        return _worst(
            _taint(context, unit, child, sink, depth) for child in _values(node)
        )
    if kind in ("unary_expression", "update_expression"):
        return CLEAN
    if kind in ("await_expression", "spread_element"):
        return _worst(
            _taint(context, unit, child, sink, depth) for child in node.named_children
        )
    if kind in ("assignment_expression", "augmented_assignment_expression"):
        return _taint(context, unit, node.child_by_field_name("right"), sink, depth)
    return UNKNOWN


def _identifier(
    context: _Context, unit: Unit, node: Node, sink: str, depth: int
) -> int:
    binding = unit.scopes.binding(node)
    if binding is None:
        return CLEAN
    if binding.kind == "parameter":
        return _parameter(context, unit, binding, sink, depth)
    if binding.kind == "import":
        return CLEAN if (binding.import_target or "").startswith("zigttp:") else UNKNOWN
    if binding.kind in ("function", "class", "enum"):
        return CLEAN
    if binding.kind == "catch":
        return UNKNOWN

    sources: list[Node | None] = [binding.value] if binding.value is not None else []
    for assigned in binding.assignments:
        assignment = outer(assigned).parent
        if assignment is not None and assignment.type in (
            "assignment_expression",
            "augmented_assignment_expression",
        ):
            sources.append(assignment.child_by_field_name("right"))
    return _worst(_taint(context, unit, source, sink, depth) for source in sources)


def _parameter(
    context: _Context, unit: Unit, binding: Binding, sink: str, depth: int
) -> int:
    function = binding.function
    if function is None:
        return UNKNOWN
    if function.id in context.request_functions:
        return TAINTED if binding.index == 0 else UNKNOWN

    callback = callers.callback_source(unit, function)
    if callback is not None:
        return (
            _taint(context, unit, callback, sink, depth)
            if binding.index == 0
            else UNKNOWN
        )

    calls = callers.direct_calls(unit, function)
    if calls is None:
        return UNKNOWN
    taints = []
    for call in calls:
        arguments = callers.call_arguments(call)
        argument = arguments[binding.index] if binding.index < len(arguments) else None
        taints.append(_taint(context, unit, argument, sink, depth))
    return _worst(taints)


def _call(context: _Context, unit: Unit, call: Node, sink: str, depth: int) -> int:
    function = call.child_by_field_name("function")
    arguments = callers.call_arguments(call)
    if function is None:
        return UNKNOWN
    function = unwrap(function)
    every_argument = _worst(
        _taint(context, unit, argument, sink, depth) for argument in arguments
    )

    if function.type == "identifier":
        return _named_call(
            context, unit, function, call, arguments, every_argument, sink, depth
        )
    if function.type != "member_expression":
        return UNKNOWN

    target = function.child_by_field_name("object")
    member = function.child_by_field_name("property")
    name = unit.name_of(member) if member is not None else ""
    if target is not None and target.type == "identifier":
        binding = unit.scopes.binding(target)
        if binding is not None and binding.imported == "*" and binding.import_target:
            return _virtual_call(binding.import_target, name, every_argument)
        if binding is None and unit.name_of(target) in ("Math", "Number", "Date"):
            return CLEAN
        if binding is None and unit.name_of(target) == "JSON":
            return every_argument

    if name in _NUMERIC_METHODS:
        return CLEAN
    subject = _taint(context, unit, target, sink, depth)
    if name in _ARRAY_RESULT_METHODS and arguments:
        return _worst([_returns(context, unit, arguments[0], sink, depth)])
    if name in _PASSING_METHODS:
        return _worst([subject, every_argument])
    if subject == TAINTED or every_argument == TAINTED:
        return UNKNOWN if name in ("replace", "replaceAll") else TAINTED
    return _worst([subject, every_argument])


def _named_call(
    context: _Context,
    unit: Unit,
    function: Node,
    call: Node,
    arguments: list[Node],
    every_argument: int,
    sink: str,
    depth: int,
) -> int:
    binding = unit.scopes.binding(function)
    name = unit.name_of(function)
    if binding is None:
        if (
            name == "encodeURIComponent"
            or name == "renderToString"
            or name in _NUMERIC_GLOBALS
        ):
            return CLEAN
        if name == "String":
            return every_argument
        return CLEAN if every_argument == CLEAN else UNKNOWN

    if binding.kind == "import" and (binding.import_target or "").startswith("zigttp:"):
        return _virtual_call(
            binding.import_target or "", binding.imported or "", every_argument
        )

    functions = callers.functions_of(unit, function)
    if len(functions) == 1 and callers.direct_calls(unit, functions[0]) is not None:
        # One of this module's own functions, only ever called directly: what it
        # returns, with its parameters as tainted as any call site makes them.
        return _returns(context, unit, functions[0], sink, depth)
    return CLEAN if every_argument == CLEAN else UNKNOWN


def _virtual_call(module: str, name: str, every_argument: int) -> int:
    if (module, name) in _CLEANING_EXPORTS:
        return CLEAN
    return _VIRTUAL_RESULTS.get(module, every_argument)


def _returns(
    context: _Context, unit: Unit, callback: Node, sink: str, depth: int
) -> int:
    """What a callback returns, for `map`: its expression body or its return values."""
    callback = unwrap(callback)
    if callback.type not in FUNCTIONS:
        return UNKNOWN
    body = callback.child_by_field_name("body")
    if body is None:
        return UNKNOWN
    if body.type != "statement_block":
        return _taint(context, unit, body, sink, depth)

    returned = []
    for node in walk(body):
        if node.type == "return_statement" and _owner(node) == callback:
            returned.append(node.named_children[0] if node.named_children else None)
    return _worst(_taint(context, unit, value, sink, depth) for value in returned)


def _owner(node: Node) -> Node | None:
    current = node.parent
    while current is not None and current.type not in FUNCTIONS:
        current = current.parent
    return current


def _values(node: Node) -> list[Node]:
    values: list[Node] = []
    for child in node.named_children:
        if child.type == "pair":
            value = child.child_by_field_name("value")
            if value is not None:
                values.append(value)
        elif child.type != "comment":
            values.append(child)
    return values


def _key(unit: Unit, pair: Node) -> str:
    key = pair.child_by_field_name("key")
    return unit.name_of(key).strip("\"'") if key is not None else ""


def _worst(taints: Iterable[int]) -> int:
    return max(taints, default=CLEAN)
