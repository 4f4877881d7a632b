"""Code the analysis cannot see: eval, Function, import(), globalThis and the like.

Each makes every category dynamic (or, for one zigttp function reached another
way, that function's category), since the code it runs could call anything.
"""

from __future__ import annotations

from . import capabilities
from .findings import Findings, Unit
from .scopes import FUNCTIONS
from .syntax import Node, walk
from .values import const_value, static_string
from .wrapping import outer, unwrap

# Global names that, reached through globalThis or used undeclared, stand for a module.
_GLOBAL_NAMES = {
    name: module for module, exports in capabilities.TRACKED.items() for name in exports
}
_GLOBAL_OBJECTS = ("globalThis", "window", "self", "global")
_TIMERS = ("setTimeout", "setInterval")
_COMPARISONS = frozenset({"===", "!==", "==", "!=", "instanceof"})


def collect(unit: Unit, findings: Findings) -> None:
    """eval, Function, import(), globalThis and undeclared zigttp names."""
    scopes = unit.scopes
    for name, references in scopes.globals.items():
        for reference in references:
            if name in ("eval", "Function"):
                if not capabilities.is_typeof(outer(reference).parent):
                    findings.everything_dynamic(
                        unit, reference, f"{name} runs code the analysis cannot see"
                    )
            elif name in _GLOBAL_OBJECTS:
                _global_object(unit, findings, reference, name)
            elif name in _GLOBAL_NAMES:
                module = _GLOBAL_NAMES[name]
                capabilities.hide(
                    unit,
                    findings,
                    module,
                    name,
                    reference,
                    f'{name} is not imported: import {{ {name} }} from "{module}" '
                    "so its calls can be proven",
                )

    _indirections(unit, findings)


def _global_object(unit: Unit, findings: Findings, reference: Node, name: str) -> None:
    used = outer(reference)
    parent = used.parent
    if parent is not None and capabilities.is_typeof(parent):
        return

    member: str | None = None
    if parent is not None and parent.type == "member_expression":
        property_node = parent.child_by_field_name("property")
        member = unit.name_of(property_node) if property_node is not None else None
    elif parent is not None and parent.type == "subscript_expression":
        member = static_string(parent.child_by_field_name("index"), unit.scopes)
    else:
        parent = None

    if (
        parent is None
        or member is None
        or member in ("eval", "Function", *_GLOBAL_OBJECTS)
    ):
        findings.everything_dynamic(
            unit, reference, f"{name} gives access the analysis cannot follow"
        )
    elif member in _GLOBAL_NAMES:
        capabilities.hide(
            unit,
            findings,
            _GLOBAL_NAMES[member],
            member,
            parent,
            f"{name}.{member} is not the zigttp import: its calls cannot be followed",
        )


def _indirections(unit: Unit, findings: Findings) -> None:
    """import(), `this.fetch`, `x.constructor.constructor` and timers given code."""
    for node in walk(unit.tree.root_node):
        if node.type == "call_expression":
            function = node.child_by_field_name("function")
            if function is not None and function.type == "import":
                findings.everything_dynamic(
                    unit, node, "import() loads code the analysis cannot see"
                )
            elif function is not None and _is_timer_given_code(unit, node, function):
                findings.everything_dynamic(
                    unit,
                    node,
                    "a timer given a string runs code the analysis cannot see",
                )
        elif node.type in ("member_expression", "subscript_expression"):
            _member_indirection(unit, findings, node)


def _member_indirection(unit: Unit, findings: Findings, node: Node) -> None:
    target = node.child_by_field_name("object")
    if target is None:
        return
    if node.type == "member_expression":
        member = node.child_by_field_name("property")
        name = unit.name_of(member) if member is not None else None
    else:
        name = static_string(node.child_by_field_name("index"), unit.scopes)

    if name in _GLOBAL_NAMES and unwrap(target).type == "this":
        capabilities.hide(
            unit,
            findings,
            _GLOBAL_NAMES[name],
            name,
            node,
            f"this.{name} is not the zigttp import: its calls cannot be followed",
        )
    elif name == "constructor" and _reaches_function_constructor(unit, node):
        findings.everything_dynamic(
            unit, node, "a constructor reached this way can run code unseen"
        )


def _reaches_function_constructor(unit: Unit, member: Node) -> bool:
    """`x.constructor` used other than to read `.name` or compare: maybe Function."""
    used = outer(member)
    parent = used.parent
    if parent is None or capabilities.is_typeof(parent):
        return False
    if parent.type == "member_expression":
        property_node = parent.child_by_field_name("property")
        return property_node is None or unit.name_of(property_node) != "name"
    if parent.type == "binary_expression":
        operator = parent.child_by_field_name("operator")
        return operator is None or operator.type not in _COMPARISONS
    return True


def _is_timer_given_code(unit: Unit, call: Node, function: Node) -> bool:
    if not any(unit.scopes.is_global(function, name) for name in _TIMERS):
        return False
    arguments = capabilities.arguments_of(call) or []
    if not arguments:
        return False
    first = const_value(arguments[0], unit.scopes)
    if first is None or first.type in FUNCTIONS:
        return False
    if first.type == "identifier":
        binding = unit.scopes.binding(first)
        return binding is None or binding.kind != "function"
    return True
