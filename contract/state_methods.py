"""A method called on a shared value: a write, a read, or code run with it as `this`.

What the call does depends on the value's shape: `push` changes an array while
`map` reads it (and hands its items to the callback), `set` changes a Map,
`next` moves a generator on, and a method of an object literal or a class runs
with the value as `this`, so every `this` in it is followed in turn.
"""

from __future__ import annotations

from . import callers
from .scopes import FUNCTIONS
from .shapes import (
    ARRAY,
    COLLECTION,
    DATE,
    FUNCTION,
    GENERATOR,
    GLOBAL,
    HOLDER,
    INSTANCE,
    OBJECT,
    REGEX,
    ROUTER_MATCH,
    UNKNOWN_SHAPE,
    URL_LIKE,
    Shape,
    holder,
)
from .state_builtins import (
    ARRAY_COPIES,
    ARRAY_ITEMS,
    ARRAY_READERS,
    ARRAY_WRITERS,
    CALLBACK_ITEM_INDEX,
    CALLBACK_METHODS,
    COLLECTION_WRITERS,
    FUNCTION_BINDERS,
    OBJECT_METHODS,
    URL_WRITERS,
    WELL_KNOWN_WRITERS,
)
from .state_holders import bound_to_binding, parameter_bindings
from .state_trail import Trail, Use
from .syntax import Node
from .wrapping import unwrap


def method_called(trail: Trail, use: Use, name: str | None, call: Node) -> None:
    """`value.name(...)` with the value as `this`."""
    shape = use.shape
    kind = shape.kind
    if kind == GLOBAL:
        # A built-in's own methods leave it alone, but for the array ones
        # on a prototype (`Array.prototype.push(x)`).
        if name in ARRAY_WRITERS:
            trail.write(use, call)
        return
    if kind == ROUTER_MATCH:
        return  # runs a table function with the fresh match as `this`
    if name is None:
        trail.undecided(use, "a method chosen at run time is called on it", call)
        return
    if kind == FUNCTION:
        _function_method(trail, use, name, call)
    elif kind == OBJECT:
        _object_method(trail, use, name, call)
    elif kind in (ARRAY, HOLDER):
        _array_method(trail, use, name, call)
    elif kind == COLLECTION:
        _collection_method(trail, use, name, call)
    elif kind == DATE:
        if name.startswith("set"):
            trail.write(use, call)
    elif kind == REGEX:
        if shape.stateful and name in ("exec", "test", "compile"):
            trail.write(use, call, "moves the lastIndex of")
    elif kind == URL_LIKE:
        if name in URL_WRITERS:
            trail.write(use, call)
    elif kind == GENERATOR:
        if name in ("next", "return", "throw"):
            trail.write(use, call, "moves on")
        else:
            trail.undecided(use, f"{name}() is called on a generator", call)
    elif kind == INSTANCE:
        _instance_method(trail, use, name, call)
    elif name in WELL_KNOWN_WRITERS:
        trail.write(use, call)
    else:
        trail.undecided(use, f"{name}() is called on it, unseen", call)


def _function_method(trail: Trail, use: Use, name: str, call: Node) -> None:
    node = use.shape.node
    if name in FUNCTION_BINDERS or name in OBJECT_METHODS:
        return
    if node is not None and node.type in ("class_declaration", "class"):
        method = trail.shapes.class_member(node, name, static=True)
        if method is not None:
            this_of(trail, use, method, use.shape)
            return
    trail.undecided(use, f"{name}() is called on it, unseen", call)


def _object_method(trail: Trail, use: Use, name: str, call: Node) -> None:
    method = trail.shapes.method(use.shape, name)
    if method is not None:
        this_of(trail, use, method, use.shape)
        return
    member = trail.shapes.member(use.shape, name)
    if name in OBJECT_METHODS or member.kind == FUNCTION:
        return
    trail.undecided(use, f"{name}() is called on it, unseen", call)


def _array_method(trail: Trail, use: Use, name: str, call: Node) -> None:
    if use.shape.kind == HOLDER:
        if name in ARRAY_WRITERS or name in OBJECT_METHODS:
            return  # the holder is fresh: changing it changes nothing shared
        if name not in ARRAY_ITEMS | ARRAY_COPIES | ARRAY_READERS:
            trail.undecided(use, f"{name}() is called on what holds it", call)
            return
    elif name in ARRAY_WRITERS:
        trail.write(use, call)
        return
    elif name not in ARRAY_ITEMS | ARRAY_COPIES | ARRAY_READERS:
        if name not in OBJECT_METHODS:
            trail.undecided(use, f"{name}() is called on it, unseen", call)
        return

    item = trail.shapes.element(use.shape)
    if name in ARRAY_ITEMS:
        trail.follow_on(use, call, item)
    elif name in ARRAY_COPIES:
        trail.follow_on(
            use, call, use.shape if use.shape.kind == HOLDER else holder(item)
        )
    if name in CALLBACK_METHODS:
        _callback(trail, use, call, item, CALLBACK_ITEM_INDEX.get(name, 0))


def _collection_method(trail: Trail, use: Use, name: str, call: Node) -> None:
    if name in COLLECTION_WRITERS:
        trail.write(use, call)
    elif name == "get":
        trail.follow_on(use, call, UNKNOWN_SHAPE)
    elif name in ("keys", "values", "entries"):
        trail.follow_on(use, call, holder(UNKNOWN_SHAPE))
    elif name == "forEach":
        _callback(trail, use, call, UNKNOWN_SHAPE, 0)
    elif name not in ("has", "size") and name not in OBJECT_METHODS:
        trail.undecided(use, f"{name}() is called on it, unseen", call)


def _instance_method(trail: Trail, use: Use, name: str, call: Node) -> None:
    node = use.shape.node
    method = trail.shapes.class_member(node, name, static=False) if node else None
    if method is not None:
        this_of(trail, use, method, use.shape)
    elif name not in OBJECT_METHODS:
        trail.undecided(use, f"{name}() is called on it, unseen", call)


def _callback(trail: Trail, use: Use, call: Node, item: Shape, index: int) -> None:
    """The callback of `items.map(fn)` gets the items (and the array last)."""
    arguments = callers.call_arguments(call)
    if not arguments:
        return
    function = unwrap(arguments[0])
    found = (
        [function]
        if function.type in FUNCTIONS
        else callers.functions_of(trail.unit, function)
    )
    if len(found) != 1:
        if not item.is_inert:
            trail.undecided(use, "its items handed to a function unseen", call)
        return
    for binding in parameter_bindings(trail.unit, found[0]):
        if binding.index == index:
            bound_to_binding(trail, use, binding, item)
        elif binding.index == index + 2:
            bound_to_binding(trail, use, binding, use.shape)
        elif index == 1 and binding.index == 0:
            bound_to_binding(trail, use, binding, UNKNOWN_SHAPE)


def this_of(trail: Trail, use: Use, function: Node, shape: Shape) -> None:
    """The method runs with the value as `this`: follow every `this` in it."""
    for this in this_nodes(function):
        trail.follow_on(use, this, shape)


def this_nodes(function: Node) -> list[Node]:
    """Every `this` a function's own body refers to (arrows share theirs)."""
    found: list[Node] = []
    stack = list(function.children)
    while stack:
        node = stack.pop()
        if node.type == "this":
            found.append(node)
        elif node.type in FUNCTIONS and node.type != "arrow_function":
            continue
        stack.extend(node.children)
    return found
