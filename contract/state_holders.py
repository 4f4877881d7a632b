"""Where a shared value is held next: a name, a container, a return, a loop.

`const s = value` and `{ s: value }` pass the value on to every reference of
the name or to what holds it; `x = value` does the same when x is request
scoped; a returned value goes to each call of the function; `for (x of
value)` and `[...value]` iterate it, which moves a generator on.
"""

from __future__ import annotations

from . import callers
from .findings import Unit
from .scopes import Binding, pattern_names
from .shapes import (
    ARRAY,
    COLLECTION,
    GENERATOR,
    HOLDER,
    URL_LIKE,
    Shape,
    holder,
)
from .state_trail import Trail, Use
from .syntax import Node
from .wrapping import outer, unwrap

JSX_TAGS = frozenset(
    {"jsx_opening_element", "jsx_closing_element", "jsx_self_closing_element"}
)


def held_in_container(trail: Trail, use: Use, parent: Node) -> None:
    """Put in an object, an array or a JSX element: follow what holds it."""
    container = parent.parent if parent.type == "pair" else parent
    if parent.type == "jsx_expression":
        container = _jsx_element(parent)
    if container is None:
        return
    if container.type in ("jsx_element", "jsx_self_closing_element"):
        _given_to_component(trail, use, container)
    trail.follow_on(use, container, holder(use.shape))


def _given_to_component(trail: Trail, use: Use, element: Node) -> None:
    """`<List items={value} />`, `<List>{value}</List>`: a component gets the
    value inside its props, its first parameter. An HTML element only renders
    it; a component the analysis cannot see may do anything with it."""
    tag = _tag_of(element)
    if tag is None or _is_html_element(tag):
        return
    functions = callers.functions_of(trail.unit, tag)
    if not functions:
        trail.undecided(use, "given to a component the analysis cannot see", element)
        return
    for function in functions:
        for binding in parameter_bindings(trail.unit, function):
            if binding.index == 0:
                bound_to_binding(trail, use, binding, holder(use.shape))


def _tag_of(element: Node) -> Node | None:
    if element.type == "jsx_element":
        opening = element.child_by_field_name("open_tag")
        return opening.child_by_field_name("name") if opening is not None else None
    return element.child_by_field_name("name")


def _is_html_element(tag: Node) -> bool:
    """`div`, `svg:rect`: a lowercase name is an element, not a component."""
    if tag.type == "identifier":
        return tag.text is not None and tag.text[:1].islower()
    return tag.type == "jsx_namespace_name"


def spread_into(trail: Trail, use: Use, spread: Node) -> None:
    """`[...value]`, `{ ...value }`, `f(...value)`: its parts go where it is spread."""
    container = spread.parent
    if container is None:
        return
    if container.type == "arguments":
        trail.undecided(use, "spread into a call", spread)
    elif container.type == "array":
        iterated(trail, use, spread, None)
        trail.follow_on(use, container, holder(trail.shapes.element(use.shape)))
    else:
        trail.follow_on(use, container, holder(trail.shapes.contents(use.shape)))


def bound_to_pattern(
    trail: Trail, use: Use, pattern: Node | None, shape: Shape
) -> None:
    """`const s = value`, `const { items } = value`, `const [a] = value`."""
    if pattern is None:
        return
    pattern = unwrap(pattern)
    if pattern.type == "array_pattern":
        iterated(trail, use, pattern, None)
    for identifier, keys in pattern_names(pattern):
        binding = trail.unit.scopes.binding(identifier)
        if binding is None:
            continue
        part = shape
        for key in keys:
            part = (
                trail.shapes.element(part)
                if key == "[]"
                else trail.shapes.member(part, None if key in ("?", "...") else key)
            )
        bound_to_binding(trail, use, binding, part)


def bound_to_binding(trail: Trail, use: Use, binding: Binding, shape: Shape) -> None:
    """A name now holds the value: follow every reference to it."""
    if trail.lifetimes.outlives_a_request(binding) and binding.is_module_level:
        return  # a module-level name: followed as shared state on its own
    for reference in binding.references:
        trail.follow_on(use, reference, shape)


def assigned_from(trail: Trail, use: Use, assignment: Node, used: Node) -> None:
    """`x = value`, `o.x = value`, `x ??= value`: what is assigned now holds it."""
    if assignment.child_by_field_name("right") != used:
        return
    operator = assignment.child_by_field_name("operator")
    if assignment.type == "augmented_assignment_expression" and (
        operator is None or operator.type not in ("||=", "&&=", "??=")
    ):
        return
    trail.follow_on(use, assignment, use.shape)
    left = assignment.child_by_field_name("left")
    left = unwrap(left) if left is not None else None
    if left is None:
        return
    if left.type in ("identifier", "object_pattern", "array_pattern"):
        bound_to_pattern(trail, use, left, use.shape)
        return
    root = root_of(left)
    binding = trail.unit.scopes.binding(root) if root.type == "identifier" else None
    if binding is None:
        trail.undecided(use, "stored where the analysis cannot follow it", left)
    elif not trail.lifetimes.outlives_a_request(binding):
        bound_to_binding(trail, use, binding, holder(use.shape))


def returned_from(trail: Trail, use: Use, function: Node | None) -> None:
    """Returned by a function: each call of it gives the value on."""
    if function is None:
        return
    if function.id in trail.request_functions:
        return  # the runtime takes what the handler answers
    call = _callback_call(trail.unit, function)
    if call is not None:
        trail.follow_on(use, call, holder(use.shape))
        return
    calls = callers.direct_calls(trail.unit, function)
    if calls is None:
        calls = _component_calls(trail.unit, function)
    if calls is None:
        trail.undecided(use, "returned by a function called from where unseen")
        return
    for each in calls:
        trail.follow_on(use, each, use.shape)


def iterated(trail: Trail, use: Use, where: Node, left: Node | None) -> None:
    """`for (x of value)`, `[...value]`, `const [a] = value`."""
    kind = use.shape.kind
    if kind == GENERATOR:
        trail.write(use, where, "moves on")
        return
    if kind not in (ARRAY, HOLDER, COLLECTION, URL_LIKE) and not use.shape.is_inert:
        trail.undecided(use, "iterated: a shared iterator would move on", where)
        return
    if left is not None:
        bound_to_pattern(trail, use, left, trail.shapes.element(use.shape))


def parameter_bindings(unit: Unit, function: Node) -> list[Binding]:
    """The parameters a function declares, destructured ones included."""
    return [
        binding
        for binding in unit.scopes.bindings
        if binding.kind == "parameter" and binding.function == function
    ]


def root_of(member: Node) -> Node:
    """`a` of `a.b[c].d`."""
    current = unwrap(member)
    while current.type in ("member_expression", "subscript_expression"):
        target = current.child_by_field_name("object")
        if target is None:
            break
        current = unwrap(target)
    return current


def _jsx_element(node: Node) -> Node | None:
    current = node.parent
    while current is not None and current.type not in (
        "jsx_element",
        "jsx_self_closing_element",
    ):
        current = current.parent
    return current


def _callback_call(unit: Unit, function: Node) -> Node | None:
    """`items.map(fn)`: the call whose result holds what fn returns."""
    if callers.callback_source(unit, function) is None:
        return None
    arguments = outer(function).parent
    return arguments.parent if arguments is not None else None


def _component_calls(unit: Unit, function: Node) -> list[Node] | None:
    """A component used only as a JSX tag: what it returns is rendered, nowhere
    else (an empty list); None when it is also used as a value."""
    references = _function_references(unit, function)
    if references is None:
        return None
    for reference in references:
        parent = reference.parent
        if parent is None or parent.type not in JSX_TAGS:
            return None
    return []


def _function_references(unit: Unit, function: Node) -> list[Node] | None:
    name = function.child_by_field_name("name")
    if name is not None and function.type == "function_declaration":
        binding = unit.scopes.binding(name)
        return binding.references if binding is not None else None
    parent = outer(function).parent
    if parent is not None and parent.type == "variable_declarator":
        declared = parent.child_by_field_name("name")
        binding = unit.scopes.binding(declared) if declared is not None else None
        if binding is not None and binding.kind == "const":
            return binding.references
    return None
