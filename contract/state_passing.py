"""A shared value handed to a call or `new`: a built-in, or the module's own code.

A built-in reads what it is given unless it is listed as a writer
(Object.assign) or as holding it (Array.from, new Map); a method that stores
its argument (`list.push(value)`) makes the list hold it; one of the module's
own functions gets it as a parameter, followed through every reference.
Anything else (another module's function, a constructor or function the
analysis cannot see) leaves the trail.
"""

from __future__ import annotations

from . import callers
from .findings import Unit
from .shapes import FUNCTION, GLOBAL, ROUTER_MATCH, Shape, holder
from .state_builtins import (
    ARGUMENT_WRITERS,
    FUNCTION_BINDERS,
    HOLDING_CONSTRUCTORS,
    HOLDING_FUNCTIONS,
    HOLDING_GLOBALS,
    READING_METHODS,
    STORED_COPIES,
    STORING_METHODS,
    WELL_KNOWN_WRITERS,
)
from .state_holders import bound_to_binding, parameter_bindings, root_of
from .state_trail import Trail, Use
from .syntax import Node, walk
from .wrapping import unwrap


def passed_as_argument(trail: Trail, use: Use, arguments: Node, used: Node) -> None:
    """The value passed to a call or `new`."""
    call = arguments.parent
    if call is None:
        return
    index = _index(arguments, used)
    if call.type == "new_expression":
        _constructed_with(trail, use, call, index)
        return
    function = call.child_by_field_name("function")
    if function is None:
        return
    function = unwrap(function)
    if function.type == "identifier":
        _named_call(trail, use, call, function, index)
    elif function.type == "member_expression":
        _method_call(trail, use, call, function, index)
    elif not _callable(use):
        trail.undecided(use, "handed to a function the analysis cannot see", call)


def _callable(use: Use) -> bool:
    """A function or built-in handed on as a value: it is called, not changed."""
    return use.shape.kind in (FUNCTION, GLOBAL)


def _constructed_with(trail: Trail, use: Use, call: Node, index: int) -> None:
    constructor = call.child_by_field_name("constructor")
    constructor = unwrap(constructor) if constructor is not None else None
    if constructor is None or constructor.type != "identifier":
        trail.undecided(use, "handed to a constructor unseen", call)
        return
    binding = trail.unit.scopes.binding(constructor)
    name = trail.unit.name_of(constructor)
    if binding is None and name in HOLDING_CONSTRUCTORS:
        trail.follow_on(use, call, holder(use.shape))
    elif binding is None and name in ("Response", "URL", "URLSearchParams", "Date"):
        return
    elif binding is not None and binding.kind == "class" and binding.value:
        method = trail.shapes.class_member(binding.value, "constructor", static=False)
        if method is None:
            return
        _into_parameter(trail, use, method, index, call)
    else:
        trail.undecided(use, "handed to a constructor unseen", call)


def _named_call(trail: Trail, use: Use, call: Node, function: Node, index: int) -> None:
    binding = trail.unit.scopes.binding(function)
    if binding is None:
        name = trail.unit.name_of(function)
        if name in HOLDING_GLOBALS:
            trail.follow_on(use, call, holder(use.shape))
        return  # a built-in function reads what it is given
    if binding.import_target is not None and binding.import_target.startswith(
        "zigttp:"
    ):
        if binding.import_target == "zigttp:router" and index == 0:
            table = callers.call_arguments(call)[0]
            trail.follow_on(use, call, Shape(ROUTER_MATCH, table))
        return
    found = callers.functions_of(trail.unit, function)
    if len(found) == 1 and callers.direct_calls(trail.unit, found[0]) is not None:
        _into_parameter(trail, use, found[0], index, call)
        return
    if not _callable(use):
        trail.undecided(use, "handed to a function the analysis cannot follow", call)


def _method_call(trail: Trail, use: Use, call: Node, member: Node, index: int) -> None:
    target = member.child_by_field_name("object")
    name = trail.shapes.member_name(member)
    if target is None:
        return
    target = unwrap(target)
    namespace = trail.unit.name_of(target) if target.type == "identifier" else None
    binding = trail.unit.scopes.binding(target) if namespace is not None else None

    if namespace is not None and binding is None:
        if name in ARGUMENT_WRITERS.get(namespace, ()):
            if index == 0:
                trail.write(use, call)
            else:
                trail.follow_on(use, call, holder(trail.shapes.contents(use.shape)))
        elif name in HOLDING_FUNCTIONS.get(namespace, ()):
            trail.follow_on(use, call, holder(use.shape))
        return  # other built-ins read what they are given
    if binding is not None and binding.imported == "*":
        if not (binding.import_target or "").startswith("zigttp:"):
            trail.undecided(use, "handed to another module's function", call)
        return
    if name in FUNCTION_BINDERS:
        _bound_call(trail, use, call, member, name, index)
        return
    if name in STORING_METHODS or name in STORED_COPIES:
        _stored(trail, use, call, target, name)
        return
    if name in READING_METHODS or _callable(use):
        return
    trail.undecided(use, f"handed to {name}(), unseen", call)


def _bound_call(
    trail: Trail, use: Use, call: Node, member: Node, name: str, index: int
) -> None:
    """`f.call(value)`, `Array.prototype.push.call(value, x)`."""
    function = member.child_by_field_name("object")
    inner = unwrap(function) if function is not None else None
    called = (
        trail.shapes.member_name(inner)
        if inner is not None and inner.type == "member_expression"
        else None
    )
    if index == 0 and called in WELL_KNOWN_WRITERS:
        trail.write(use, call)
    elif _callable(use) or (inner is not None and _rooted_in_global(trail.unit, inner)):
        return
    else:
        trail.undecided(use, f"handed to {name}() of a function unseen", call)


def _stored(trail: Trail, use: Use, call: Node, target: Node, name: str) -> None:
    """`list.push(value)`: the list now holds it."""
    if name in STORED_COPIES:
        trail.follow_on(use, call, holder(use.shape))
    root = root_of(target)
    if root.type == "identifier":
        binding = trail.unit.scopes.binding(root)
        if binding is not None and not trail.lifetimes.outlives_a_request(binding):
            bound_to_binding(trail, use, binding, holder(use.shape))
            return
        if binding is not None:
            return  # stored in a shared value: a write seen on that value
    trail.undecided(use, f"stored with {name}() where it is not followed", call)


def _into_parameter(
    trail: Trail, use: Use, function: Node, index: int, call: Node
) -> None:
    """One of the module's own functions gets the value as a parameter."""
    parameters = parameter_bindings(trail.unit, function)
    matched = [binding for binding in parameters if binding.index == index]
    if not matched:
        if _uses_arguments(function):
            trail.undecided(use, "read through `arguments`", call)
        return
    for binding in matched:
        bound_to_binding(trail, use, binding, use.shape)


def _index(arguments: Node, used: Node) -> int:
    items = [child for child in arguments.named_children if child.type != "comment"]
    return items.index(used) if used in items else 0


def _uses_arguments(function: Node) -> bool:
    return any(
        node.type == "identifier" and node.text == b"arguments"
        for node in walk(function)
    )


def _rooted_in_global(unit: Unit, member: Node) -> bool:
    root = root_of(member)
    return root.type == "identifier" and unit.scopes.binding(root) is None
