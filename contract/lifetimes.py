"""Which code runs once per request, and which variables outlive one.

Code runs either while the module loads (module level, a function called
there at once, a class's static parts) or later, each time something calls
it. A variable declared at module level is shared by every request. So is a
variable of a function that may run while the module loads (a factory called
at module level, an IIFE): a closure made there keeps it. A function is
request-scoped when the runtime calls it with a request (the handler, a route
table's functions), when it is nested in a request-scoped function, or when
every reference to it is a direct call from request-scoped code; only then
are its variables known to be fresh for every request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .findings import Unit
from .scopes import FUNCTIONS, Binding
from .syntax import Node, walk
from .wrapping import call_of, outer

_DECLARED_FUNCTIONS = frozenset(
    {"function_declaration", "generator_function_declaration"}
)
_FUNCTION_VALUES = frozenset(
    {"function_expression", "generator_function", "arrow_function"}
)


@dataclass
class Lifetimes:
    """Per module: the functions that only run inside a request, and IIFEs."""

    unit: Unit
    request_scoped: set[int] = field(default_factory=set)
    run_at_load: set[int] = field(default_factory=set)  # IIFEs of module code

    def context(self, node: Node) -> Node | None:
        """The function whose call runs `node`; None for code run at load time.

        An IIFE at module level and a static block run at load time, so code
        in them counts as module code; a non-static class field runs when an
        instance is made, so its class counts as the function.
        """
        current = node.parent
        child = node
        while current is not None:
            if (
                current.type == "public_field_definition"
                and not _is_static(current)
                and child == current.child_by_field_name("value")
            ):
                return current
            if current.type in FUNCTIONS:
                if (
                    current.type == "class_static_block"
                    or current.id in self.run_at_load
                ):
                    return None
                return current
            child, current = current, current.parent
        return None

    def outlives_a_request(self, binding: Binding) -> bool:
        """Module-level, or declared by a function not known to be request-scoped."""
        declaring = self.declaring_function(binding)
        return declaring is None or declaring.id not in self.request_scoped

    def declaring_function(self, binding: Binding) -> Node | None:
        """The function whose call creates the binding; None at load time."""
        if binding.is_module_level:
            return None
        scope_node = binding.scope.function_scope().node
        if scope_node.type not in FUNCTIONS:
            return None
        if scope_node.type == "class_static_block" or scope_node.id in self.run_at_load:
            return None
        return scope_node

    def called_at_load(self, function: Node) -> bool:
        """A function called directly by module code (a factory, a class made)."""
        if function.id in self.run_at_load:
            return True
        for reference in _references(self.unit, function) or []:
            used = outer(reference)
            parent = used.parent
            if parent is None or self.context(parent) is not None:
                continue
            if call_of(used) is not None:
                return True
            if parent.type == "new_expression":
                return True
        return False


def lifetimes(unit: Unit, request_functions: set[int]) -> Lifetimes:
    """Work out the IIFEs and the request-scoped functions of one module."""
    found = Lifetimes(unit)
    found.run_at_load = _iifes(unit)

    functions = [node for node in walk(unit.tree.root_node) if node.type in FUNCTIONS]
    scoped = {node.id for node in functions if node.id not in found.run_at_load}
    changed = True
    while changed:
        changed = False
        for function in functions:
            if function.id in scoped and not _stays_scoped(
                found, function, scoped, request_functions
            ):
                scoped.discard(function.id)
                changed = True
    found.request_scoped = scoped
    return found


def _iifes(unit: Unit) -> set[int]:
    """Function values called where they stand, by module code (or by another
    such function)."""
    found: set[int] = set()
    for node in walk(unit.tree.root_node):
        if node.type not in _FUNCTION_VALUES:
            continue
        call = call_of(node)
        if call is not None and _runs_at_load(call, found):
            found.add(node.id)
    return found


def _runs_at_load(node: Node, iifes: set[int]) -> bool:
    current = node.parent
    while current is not None:
        if current.type == "class_static_block":
            return True
        if current.type in FUNCTIONS:
            return current.id in iifes
        current = current.parent
    return True


def _stays_scoped(
    found: Lifetimes, function: Node, scoped: set[int], request_functions: set[int]
) -> bool:
    """Still request-scoped, given which functions are so far."""
    if function.id in request_functions:
        return _only_runtime_calls(found, function)
    enclosing = found.context(function)
    if enclosing is not None and enclosing.type in FUNCTIONS:
        return enclosing.id in scoped

    references = _references(found.unit, function)
    if references is None or not references:
        return False
    for reference in references:
        call = call_of(reference)
        if call is None:
            return False
        caller = found.context(call)
        if caller is None or caller.id not in scoped:
            return False
    return True


def _only_runtime_calls(found: Lifetimes, function: Node) -> bool:
    """The handler stays request-scoped unless module code also calls it."""
    for reference in _references(found.unit, function) or []:
        call = call_of(reference)
        if call is not None and found.context(call) is None:
            return False
    return True


def _references(unit: Unit, function: Node) -> list[Node] | None:
    """Every reference to a named function; None for a function with no name
    the analysis can follow (passed as a value where it is made)."""
    binding = _binding_of(unit, function)
    if binding is None:
        return None
    return binding.references


def _binding_of(unit: Unit, function: Node) -> Binding | None:
    if function.type in _DECLARED_FUNCTIONS:
        name = function.child_by_field_name("name")
        return unit.scopes.binding(name) if name is not None else None
    parent = outer(function).parent
    if parent is None or parent.type != "variable_declarator":
        return None
    if parent.child_by_field_name("value") != outer(function):
        return None
    declared = parent.child_by_field_name("name")
    if declared is None or declared.type != "identifier":
        return None
    binding = unit.scopes.binding(declared)
    if binding is None or binding.kind != "const":
        return None
    return binding


def _is_static(node: Node) -> bool:
    return any(child.type == "static" for child in node.children)
