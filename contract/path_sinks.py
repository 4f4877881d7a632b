"""Where the request path may go without picking a branch.

The path written into a response (Response.json, new Response), a log line
or a fetch URL, turned into a string (String, JSON.stringify), or added to a
collection that nothing ever reads back (`seen.set(path, n)` with `seen`
only written) names no route and makes none dynamic.
"""

from __future__ import annotations

from .expressions import member_name
from .findings import Unit
from .syntax import Node
from .wrapping import outer, unwrap

_SINK_MODULES = frozenset({"zigttp:log", "zigttp:fetch"})
_RESPONSE_FACTORIES = frozenset({"json", "text", "html", "redirect"})
_STRING_MAKERS = frozenset({"String", "encodeURIComponent", "encodeURI"})
# Methods that only add to a collection: `seen.set(path, n)`.
INSERTIONS = frozenset({"set", "add", "push", "unshift"})


def is_sink(unit: Unit, function: Node) -> bool:
    """Response.json(...), console.log(...), logInfo(...), fetch(...)."""
    if function.type == "identifier":
        binding = unit.scopes.binding(function)
        return binding is not None and binding.import_target in _SINK_MODULES
    if function.type != "member_expression":
        return False
    target = function.child_by_field_name("object")
    name = member_name(unit, function)
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


def makes_string(unit: Unit, function: Node) -> bool:
    """`String(path)`, `JSON.stringify(path)`: the result is built from the path."""
    if function.type == "identifier":
        return any(unit.scopes.is_global(function, name) for name in _STRING_MAKERS)
    if function.type != "member_expression":
        return False
    target = function.child_by_field_name("object")
    return (
        target is not None
        and unit.scopes.is_global(target, "JSON")
        and member_name(unit, function) == "stringify"
    )


def is_response_constructor(unit: Unit, call: Node) -> bool:
    """`new Response(path)`: the path written into a response."""
    constructor = call.child_by_field_name("constructor")
    return constructor is not None and unit.scopes.is_global(
        unwrap(constructor), "Response"
    )


def is_write_only_collection(unit: Unit, function: Node) -> bool:
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
            or member_name(unit, member) not in INSERTIONS
            or call is None
            or call.type != "call_expression"
            or statement is None
            or statement.type != "expression_statement"
        ):
            return False
    return True
