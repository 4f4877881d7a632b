"""How far request data reaches a value, and whether it is cleaned on the way.

Request data starts at the handler's parameter (and at the parameter of any
function in a routerMatch table) and follows consts, lets, destructuring,
string building, tagged templates, what is put into containers (contents.py),
array callbacks and calls of the module's own functions.
`escapeHtml` (zigttp:text), `encodeURIComponent` and `renderToString` clean
it, into ESCAPED data that stays safe until something decodes it or rewrites
it. A value is CLEAN, ESCAPED, TAINTED (request data, not cleaned) or UNKNOWN
(from where the analysis cannot trace: a parameter of a function passed
around, a value from another module or the cache).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from . import callers, contents
from .findings import Unit
from .scopes import FUNCTIONS, Binding, enclosing_function
from .syntax import Node, walk
from .wrapping import outer, unwrap

# Ordered, so the worst of several is their max. ESCAPED is request data made
# safe by a cleaner: safe as it is, but decoding it or rewriting it with
# replace() or normalize() may undo the escaping.
CLEAN, ESCAPED, UNKNOWN, TAINTED = 0, 1, 2, 3

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

# Methods whose result can undo escaping: "&lt;" made "<" again, or a
# fullwidth "＜" made "<" by normalize("NFKC").
_REWRITING_METHODS = frozenset({"replace", "replaceAll", "normalize"})
# Global functions and exports that decode: what they give back is raw again.
_DECODING_GLOBALS = frozenset({"decodeURIComponent", "decodeURI", "unescape", "atob"})
_DECODING_EXPORTS = {
    ("zigttp:crypto", "base64Decode"),
    ("zigttp:url", "urlDecode"),
    ("zigttp:text", "unescapeHtml"),
}

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
class TaintContext:
    """What the taint of values across one program remembers between questions."""

    # Node ids of the functions the runtime calls with a request.
    request_functions: set[int]
    memo: dict[tuple[str, int, str], int] = field(default_factory=dict)
    active: set[tuple[str, int, str]] = field(default_factory=set)
    # How many times a cycle was cut short; results computed across a cut are
    # provisional and not remembered.
    cuts: int = 0


def taint_of(
    context: TaintContext, unit: Unit, node: Node | None, sink: str, depth: int
) -> int:
    """CLEAN, UNKNOWN or TAINTED: what `node` holds, as it reaches one kind of sink."""
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
    context: TaintContext, unit: Unit, node: Node, sink: str, depth: int
) -> int:
    kind = node.type
    if kind in _LITERALS or kind in FUNCTIONS or kind.startswith("jsx_"):
        return CLEAN
    if kind == "template_string":
        return _worst(
            taint_of(context, unit, part, sink, depth)
            for substitution in node.named_children
            if substitution.type == "template_substitution"
            for part in substitution.named_children
        )
    if kind == "binary_expression":
        operator = node.child_by_field_name("operator")
        if operator is not None and operator.type in ("+", "??", "||", "&&"):
            return _worst(
                taint_of(context, unit, node.child_by_field_name(side), sink, depth)
                for side in ("left", "right")
            )
        return CLEAN
    if kind == "ternary_expression":
        return _worst(
            taint_of(context, unit, node.child_by_field_name(side), sink, depth)
            for side in ("consequence", "alternative")
        )
    if kind == "identifier":
        return _identifier(context, unit, node, sink, depth)
    if kind in ("member_expression", "subscript_expression"):
        member = node.child_by_field_name("property")
        if member is not None and unit.name_of(member) == "length":
            return CLEAN
        return taint_of(context, unit, node.child_by_field_name("object"), sink, depth)
    if kind == "call_expression":
        return _call(context, unit, node, sink, depth)
    if kind == "new_expression":
        constructor = node.child_by_field_name("constructor")
        if constructor is None or not any(
            unit.scopes.is_global(constructor, name) for name in _BUILT_INS
        ):
            return UNKNOWN
        return _worst(
            taint_of(context, unit, argument, sink, depth)
            for argument in callers.call_arguments(node)
        )
    if kind in ("object", "array"):
        return _worst(
            taint_of(context, unit, child, sink, depth) for child in _values(node)
        )
    if kind in ("unary_expression", "update_expression"):
        return CLEAN
    if kind in ("await_expression", "spread_element"):
        return _worst(
            taint_of(context, unit, child, sink, depth) for child in node.named_children
        )
    if kind in ("assignment_expression", "augmented_assignment_expression"):
        return taint_of(context, unit, node.child_by_field_name("right"), sink, depth)
    return UNKNOWN


def _identifier(
    context: TaintContext, unit: Unit, node: Node, sink: str, depth: int
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
    sources.extend(contents.put_into(unit, binding))
    return _worst(taint_of(context, unit, source, sink, depth) for source in sources)


def _parameter(
    context: TaintContext, unit: Unit, binding: Binding, sink: str, depth: int
) -> int:
    function = binding.function
    if function is None:
        return UNKNOWN
    if function.id in context.request_functions:
        return TAINTED if binding.index == 0 else UNKNOWN

    callback = callers.callback_source(unit, function)
    if callback is not None:
        return (
            taint_of(context, unit, callback, sink, depth)
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
        taints.append(taint_of(context, unit, argument, sink, depth))
    return _worst(taints)


def _call(context: TaintContext, unit: Unit, call: Node, sink: str, depth: int) -> int:
    function = call.child_by_field_name("function")
    arguments = callers.call_arguments(call)
    if function is None:
        return UNKNOWN
    function = unwrap(function)
    tagged = call.child_by_field_name("arguments")
    if tagged is not None and tagged.type == "template_string":
        arguments = [tagged]  # tag`...${x}`: the tag is given every substitution
    every_argument = _worst(
        taint_of(context, unit, argument, sink, depth) for argument in arguments
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
    subject = taint_of(context, unit, target, sink, depth)
    if name in _ARRAY_RESULT_METHODS and arguments:
        return _worst([_returns(context, unit, arguments[0], sink, depth)])
    if name in _PASSING_METHODS:
        return _worst([subject, every_argument])
    if name in _REWRITING_METHODS:
        # A rewrite may clean raw data or unclean escaped data: either way the
        # analysis cannot tell what comes out.
        worst = _worst([subject, every_argument])
        return UNKNOWN if worst in (ESCAPED, TAINTED) else worst
    if subject == TAINTED or every_argument == TAINTED:
        return TAINTED
    return _worst([subject, every_argument])


def _named_call(
    context: TaintContext,
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
        if name in _NUMERIC_GLOBALS:
            return CLEAN
        if name in ("encodeURIComponent", "renderToString"):
            return _escaped(every_argument)
        if name in _DECODING_GLOBALS:
            return _decoded(every_argument)
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
        return _escaped(every_argument)
    if (module, name) in _DECODING_EXPORTS:
        return _decoded(every_argument)
    return _VIRTUAL_RESULTS.get(module, every_argument)


def _escaped(given: int) -> int:
    """What a cleaner gives back: escaped request data, or clean as it was."""
    return CLEAN if given == CLEAN else ESCAPED


def _decoded(given: int) -> int:
    """What a decoder gives back: escaping undone, so escaped data is raw again."""
    return TAINTED if given == ESCAPED else given


def is_safe(taint: int) -> bool:
    """Whether a value with this taint may go into HTML or a URL as it is."""
    return taint in (CLEAN, ESCAPED)


def _returns(
    context: TaintContext, unit: Unit, callback: Node, sink: str, depth: int
) -> int:
    """What a callback returns, for `map`: its expression body or its return values."""
    callback = unwrap(callback)
    if callback.type not in FUNCTIONS:
        return UNKNOWN
    body = callback.child_by_field_name("body")
    if body is None:
        return UNKNOWN
    if body.type != "statement_block":
        return taint_of(context, unit, body, sink, depth)

    returned = []
    for node in walk(body):
        if node.type == "return_statement" and enclosing_function(node) == callback:
            returned.append(node.named_children[0] if node.named_children else None)
    return _worst(taint_of(context, unit, value, sink, depth) for value in returned)


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


def _worst(taints: Iterable[int]) -> int:
    return max(taints, default=CLEAN)
