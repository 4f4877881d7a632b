"""Routes made dynamic by the request itself, not its path.

The request parameter of the handler and of route functions may be read by
named fields (`req.path`, `const { method } = req`), compared, logged, or
handed to the module's own functions and routerMatch. A field chosen at run
time, a destructuring the analysis cannot name, or the request handed to code
it does not follow could dispatch on the path unseen: routes become dynamic.
"""

from __future__ import annotations

from . import callers
from .expressions import is_typeof, member_name, operator_of
from .findings import Findings, Unit
from .path_sinks import is_sink
from .route_findings import dynamic_routes
from .scopes import Binding
from .syntax import Node
from .wrapping import outer, unwrap


def collect(unit: Unit, findings: Findings) -> None:
    """Every use of the request parameters that could dispatch unseen."""
    for binding in _request_parameters(unit, findings):
        for reference in binding.references:
            _request_used(unit, findings, reference)


def _request_parameters(unit: Unit, findings: Findings) -> list[Binding]:
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
            dynamic_routes(
                unit,
                findings,
                binding.node,
                "the request destructured into names the analysis cannot follow",
            )
    return found


def _request_used(unit: Unit, findings: Findings, reference: Node) -> None:
    """The request read by named fields, or handed to code the analysis follows."""
    used = outer(reference)
    parent = used.parent
    if parent is None or parent.type == "expression_statement" or is_typeof(parent):
        return
    if parent.type in ("member_expression", "subscript_expression"):
        if member_name(unit, parent) is None:
            dynamic_routes(
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
            is_sink(unit, unwrap(function))
            or _is_own_function(unit, function)
            or _is_router(unit, unwrap(function))
        ):
            return
    if parent.type == "binary_expression" and operator_of(parent) in ("===", "!=="):
        return
    if (
        parent.type == "call_expression"
        and parent.child_by_field_name("function") == used
    ):
        return  # the request is no function: calling it throws
    dynamic_routes(
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
