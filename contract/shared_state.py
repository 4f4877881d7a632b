"""stateIsolated: nothing one request changes may be seen by the next.

What outlives a request: module-level names, the variables of functions that
may run while the module loads (lifetimes.py), globals, and every object
reachable from them. stateIsolated is proven only when request code writes
none of them:

- a name that outlives a request, assigned from request code (`count++`),
  is a proven write; so is a variable of a factory or IIFE called while the
  module loads, assigned by a closure it made; a variable of a function the
  analysis cannot place (neither request-scoped nor called at load) is
  undecided;
- a use of a shared value in request code is followed (state_uses.py) to
  every write through it, or to the point where the analysis loses it;
- `this` in a method of an object made while the module loads is that
  object; in a class method it may be a shared instance unless every
  instance is made where the analysis sees it; in a function used as a
  value it could be anything: each is followed like a shared value.

A function that only runs while the module loads (an IIFE, a static block)
may change anything: that happens once, before any request.
"""

from __future__ import annotations

from . import callers
from .findings import Findings, Unit
from .lifetimes import Lifetimes, lifetimes
from .scopes import FUNCTIONS, Binding
from .shapes import FUNCTION, INSTANCE, OBJECT, Shape, Shapes
from .state_methods import this_nodes
from .state_uses import Tracker
from .syntax import Node, walk
from .wrapping import call_of, outer

_NOT_OBJECTS = frozenset({"undefined", "NaN", "Infinity", "arguments"})


def collect(units: list[Unit], findings: Findings) -> None:
    """Record every write (or possible write) to state shared between requests."""
    request = callers.request_functions(units)
    for unit in units:
        times = lifetimes(unit, request)
        shapes = Shapes(unit, times)
        tracker = Tracker(unit, findings, times, shapes, request)

        _rebound(unit, findings, times)
        _shared_names(unit, times, shapes, tracker)
        _shared_this(unit, times, tracker)
        _globals(unit, times, tracker)
        tracker.run()


def _rebound(unit: Unit, findings: Findings, times: Lifetimes) -> None:
    """`count++` in request code, where count outlives the request."""
    for binding in unit.scopes.bindings:
        if not times.outlives_a_request(binding):
            continue
        declaring = times.declaring_function(binding)
        for assigned in binding.assignments:
            context = times.context(assigned)
            if context is None or context == declaring:
                continue
            if declaring is None or times.called_at_load(declaring):
                findings.violates(
                    unit,
                    assigned,
                    "stateIsolated",
                    f"a function assigns {_described(binding, declaring)}: "
                    "requests share that state",
                )
            else:
                findings.undecided(
                    unit,
                    assigned,
                    "stateIsolated",
                    f"a function assigns {binding.name}, a variable of a function "
                    "that may run outside a request",
                )


def _shared_names(
    unit: Unit, times: Lifetimes, shapes: Shapes, tracker: Tracker
) -> None:
    for binding in unit.scopes.bindings:
        if not times.outlives_a_request(binding):
            continue
        declaring = times.declaring_function(binding)
        certain = declaring is None or times.called_at_load(declaring)
        shape = shapes.of_binding(binding)
        what = _described(binding, declaring)
        for reference in binding.references:
            context = times.context(reference)
            if context is None or context == declaring:
                continue
            tracker.follow(reference, shape, certain, what)


def _described(binding: Binding, declaring: Node | None) -> str:
    if binding.is_module_level:
        return f"module-level {binding.name}"
    return f"{binding.name}, kept by a closure made while the module loads"


def _shared_this(unit: Unit, times: Lifetimes, tracker: Tracker) -> None:
    """`this` in methods whose object may outlive a request."""
    owners = {
        node.id: node
        for node in walk(unit.tree.root_node)
        if node.type in FUNCTIONS and node.type != "arrow_function"
    }
    for owner in owners.values():
        found = _this_shape(unit, times, owner)
        if found is None:
            continue
        shape, certain, what = found
        for this in this_nodes(owner):
            tracker.follow(this, shape, certain, what)


def _this_shape(
    unit: Unit, times: Lifetimes, owner: Node
) -> tuple[Shape, bool, str] | None:
    """What `this` is in `owner`, when it may outlive a request."""
    if owner.type == "class_static_block" or _called_where_it_stands(owner):
        return None
    holder = owner.parent
    if holder is not None and holder.type == "pair":
        holder = holder.parent
    if holder is not None and holder.type == "object":
        return _literal_this(times, holder)
    if holder is not None and holder.type == "class_body" and holder.parent:
        return _class_this(unit, times, owner, holder.parent)
    if callers.direct_calls(unit, owner) is not None:
        return None  # only ever called plainly: `this` is undefined
    return Shape("unknown"), False, "this of a function used as a value"


def _literal_this(times: Lifetimes, literal: Node) -> tuple[Shape, bool, str] | None:
    context = times.context(literal)
    if context is None:
        return Shape(OBJECT, literal), True, "an object made while the module loads"
    if context.id in times.request_scoped:
        return None
    return Shape(OBJECT, literal), False, "an object that may outlive a request"


def _class_this(
    unit: Unit, times: Lifetimes, method: Node, declaration: Node
) -> tuple[Shape, bool, str] | None:
    name_node = method.child_by_field_name("name")
    if name_node is not None and unit.name_of(name_node) == "constructor":
        return None
    context = times.context(declaration)
    made_per_request = context is not None and context.id in times.request_scoped
    if any(child.type == "static" for child in method.children):
        if made_per_request:
            return None
        return Shape(FUNCTION, declaration), context is None, "a class's static state"
    if _instances_all_seen(unit, declaration):
        return None  # every instance is followed where it is made
    return Shape(INSTANCE, declaration), False, "an instance that may be shared"


def _instances_all_seen(unit: Unit, declaration: Node) -> bool:
    """Every reference to the class is `new C(...)`: never extended or handed on."""
    name = declaration.child_by_field_name("name")
    binding = unit.scopes.binding(name) if name is not None else None
    if binding is None:
        return False
    for reference in binding.references:
        parent = outer(reference).parent
        if parent is None or parent.type != "new_expression":
            return False
    return True


def _called_where_it_stands(function: Node) -> bool:
    return call_of(function) is not None


def _globals(unit: Unit, times: Lifetimes, tracker: Tracker) -> None:
    """Built-in objects are shared by every request: `Object.prototype.x = 1`."""
    for name, references in unit.scopes.globals.items():
        if name in _NOT_OBJECTS:
            continue
        for reference in references:
            if times.context(reference) is not None:
                tracker.follow(
                    reference, Shape("global", reference), True, f"the global {name}"
                )
