"""Who calls a function: the runtime with a request, or the module's own code."""

from __future__ import annotations

from .findings import Unit
from .scopes import FUNCTIONS, Binding
from .syntax import Node, walk
from .wrapping import call_of, outer, unwrap

_CALLBACK_METHODS = frozenset(
    {"map", "flatMap", "forEach", "filter", "find", "some", "every"}
)


def request_functions(units: list[Unit]) -> set[int]:
    """The handler, and functions placed in routerMatch tables, take the request."""
    found: set[int] = set()
    for unit in units:
        if unit.is_entry:
            found |= {node.id for node in _handler_functions(unit)}
        for node in walk(unit.tree.root_node):
            if node.type == "call_expression" and _calls_router(unit, node):
                arguments = call_arguments(node)
                if arguments:
                    found |= {
                        function.id for function in _table_functions(unit, arguments[0])
                    }
    return found


def _handler_functions(unit: Unit) -> list[Node]:
    found: list[Node] = []
    for statement in unit.tree.root_node.named_children:
        if statement.type != "export_statement":
            continue
        default = any(child.type == "default" for child in statement.children)
        declaration = statement.child_by_field_name("declaration")
        value = statement.child_by_field_name("value")
        if default and (declaration or value) is not None:
            found += functions_of(unit, declaration or value)
        elif declaration is not None:
            found += [
                function
                for function in functions_of(unit, declaration)
                if _declared_name(unit, function) == "handler"
            ]

    binding = unit.scopes.module.bindings.get("handler")
    if binding is not None:
        found += functions_of(unit, binding.value)
    for export in _exported_locals(unit):
        target = unit.scopes.module.bindings.get(export)
        if target is not None:
            found += functions_of(unit, target.value)
    return found


def _exported_locals(unit: Unit) -> list[str]:
    names: list[str] = []
    for statement in unit.tree.root_node.named_children:
        if statement.type != "export_statement" or statement.child_by_field_name(
            "source"
        ):
            continue
        for node in walk(statement):
            if node.type == "export_specifier":
                name = node.child_by_field_name("name")
                alias = node.child_by_field_name("alias") or name
                if (
                    name is not None
                    and alias is not None
                    and unit.name_of(alias) in ("handler", "default")
                ):
                    names.append(unit.name_of(name))
    return names


def functions_of(unit: Unit, node: Node | None) -> list[Node]:
    """The function a declaration or expression stands for, following consts."""
    if node is None:
        return []
    node = unwrap(node)
    if node.type in FUNCTIONS:
        return [node]
    if node.type == "lexical_declaration":
        found: list[Node] = []
        for declarator in node.named_children:
            value = declarator.child_by_field_name("value")
            found += functions_of(unit, value)
        return found
    if node.type == "identifier":
        binding = unit.scopes.binding(node)
        if binding is not None and binding.value is not None and binding.value != node:
            return functions_of(unit, binding.value)
    return []


def _declared_name(unit: Unit, function: Node) -> str | None:
    name = function.child_by_field_name("name")
    if name is not None:
        return unit.name_of(name)
    parent = function.parent
    while parent is not None and parent.type in ("parenthesized_expression",):
        parent = parent.parent
    if parent is not None and parent.type == "variable_declarator":
        declared = parent.child_by_field_name("name")
        return unit.name_of(declared) if declared is not None else None
    return None


def _calls_router(unit: Unit, call: Node) -> bool:
    function = call.child_by_field_name("function")
    if function is None:
        return False
    function = unwrap(function)
    if function.type == "identifier":
        binding = unit.scopes.binding(function)
        return binding is not None and binding.import_target == "zigttp:router"
    if function.type == "member_expression":
        target = function.child_by_field_name("object")
        binding = unit.scopes.binding(target) if target is not None else None
        return binding is not None and binding.import_target == "zigttp:router"
    return False


def _table_functions(unit: Unit, table: Node) -> list[Node]:
    table = unwrap(table)
    if table.type == "identifier":
        binding = unit.scopes.binding(table)
        table = (
            unwrap(binding.value)
            if binding is not None and binding.value is not None
            else table
        )
    found: list[Node] = []
    for node in walk(table):
        if node.type == "pair":
            found += functions_of(unit, node.child_by_field_name("value"))
        elif node.type == "shorthand_property_identifier":
            found += functions_of(unit, node)
    return found


def callback_source(unit: Unit, function: Node) -> Node | None:
    """For `items.map((item) => ...)`: `items`, whose elements the callback gets."""
    used = outer(function)
    arguments = used.parent
    call = arguments.parent if arguments is not None else None
    if call is None or arguments is None or arguments.type != "arguments":
        return None
    callee = call.child_by_field_name("function")
    if callee is None or callee.type != "member_expression":
        return None
    member = callee.child_by_field_name("property")
    if member is None or unit.name_of(member) not in _CALLBACK_METHODS:
        return None
    return callee.child_by_field_name("object")


def direct_calls(unit: Unit, function: Node) -> list[Node] | None:
    """Every call of a named function, or None when it is also used as a value."""
    binding = _function_binding(unit, function)
    if binding is None:
        return None
    calls: list[Node] = []
    for reference in binding.references:
        call = call_of(reference)
        if call is None:
            return None
        calls.append(call)
    return calls


def _function_binding(unit: Unit, function: Node) -> Binding | None:
    name = function.child_by_field_name("name")
    if name is not None and function.type in (
        "function_declaration",
        "generator_function_declaration",
    ):
        return unit.scopes.binding(name)
    parent = outer(function).parent
    if parent is not None and parent.type == "variable_declarator":
        declared = parent.child_by_field_name("name")
        if declared is not None and declared.type == "identifier":
            binding = unit.scopes.binding(declared)
            if binding is not None and binding.kind == "const":
                return binding
    return None


def call_arguments(call: Node) -> list[Node]:
    """The arguments of a call or `new`, comments left out."""
    arguments = call.child_by_field_name("arguments")
    if arguments is None or arguments.type != "arguments":
        return []
    return [child for child in arguments.named_children if child.type != "comment"]
