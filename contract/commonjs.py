"""CommonJS `require`: the runtime has none, so a handler that uses it stops the build.

A handler is an ES module; an undeclared `require` would only fail when the
binary runs it, with a ReferenceError. `typeof require` is a check, not a
use, so code that looks before it leaps still builds.
"""

from __future__ import annotations

from . import capabilities
from .findings import Unit
from .specifiers import SpecifierProblem, virtual_module
from .syntax import Node
from .values import quoted, static_string
from .wrapping import outer

_WHY = "handlers are ES modules without require"


def refuse(unit: Unit) -> None:
    """Raise SourceError at the first use of the global `require`."""
    for reference in unit.scopes.globals.get("require", []):
        used = outer(reference)
        if capabilities.is_typeof(used.parent):
            continue
        raise unit.source.error(reference.start_byte, _problem(unit, used))


def _problem(unit: Unit, used: Node) -> str:
    specifier = _required(unit, used)
    if specifier is None:
        return f"require cannot run: {_WHY}; use `import ... from` instead"

    shown = f"require({quoted(specifier)})"
    try:
        virtual_module(specifier)
    except SpecifierProblem:
        return (
            f"{shown} cannot run: {_WHY}, and only zigttp:* modules and relative "
            "files (./file.ts) can be imported"
        )
    return f"{shown} cannot run: {_WHY}; write `import ... from {quoted(specifier)}`"


def _required(unit: Unit, used: Node) -> str | None:
    """The constant specifier of a `require(...)` call; None for any other use."""
    call = used.parent
    if call is None or call.type != "call_expression":
        return None
    if call.child_by_field_name("function") != used:
        return None

    arguments = capabilities.arguments_of(call) or []
    if len(arguments) != 1:
        return None
    return static_string(arguments[0], unit.scopes)
