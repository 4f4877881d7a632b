"""Every name an import asks for is one its module exports, checked before a build.

The engine links modules only when the binary starts, so a name no module
exports would otherwise build and then stop the handler at start-up with a
SyntaxError. Here it is a build error at the name, listing what the module
does export.
"""

from __future__ import annotations

from collections.abc import Mapping

from .linking import Binding, Import, Shape
from .source import SourceText
from .virtual_modules import EXPORTS, TYPES_MODULE

# Enough names to find the one meant; a longer list would bury the message.
_LISTED = 20


def check(source: SourceText, shape: Shape, shapes: Mapping[str, Shape]) -> None:
    """Raise SourceError at the first imported name its module does not export.

    Names marked `type` are not checked: the build erases them, so the runtime
    never looks them up, and a JavaScript file may declare types the analysis
    cannot see (JSDoc).
    """
    for statement in shape.imports:
        target = shape.targets[statement.source.start_byte]
        if target == TYPES_MODULE:
            continue

        exported = exports_of(target, shapes)
        for binding in statement.bindings:
            wanted = binding.imported
            if binding.type_only or wanted == "*" or wanted in exported:
                continue
            problem = _missing(statement, binding, exported)
            raise source.error(binding.node.start_byte, problem)


def exports_of(target: str, shapes: Mapping[str, Shape]) -> frozenset[str]:
    """The names a zigttp module or a bundled project file exports."""
    if target in EXPORTS:
        return frozenset(EXPORTS[target])
    return frozenset(_module_exports(target, shapes, set()))


def _module_exports(name: str, shapes: Mapping[str, Shape], seen: set[str]) -> set[str]:
    """Declared, listed and re-exported names; `export *` followed through cycles."""
    if name in seen or name not in shapes:
        return set()
    seen.add(name)

    shape = shapes[name]
    names = shape.exported_values | shape.exported_types
    names |= {export.exported for export in shape.local_exports}
    for statement in shape.imports:
        if not statement.reexport:
            continue
        names |= {binding.local for binding in statement.bindings}
        if statement.side_effect:
            # `export * from "x"` passes on every name of x but its default.
            target = shape.targets[statement.source.start_byte]
            passed = EXPORTS.get(target) or _module_exports(target, shapes, seen)
            names |= set(passed) - {"default"}
    return names


def _missing(statement: Import, binding: Binding, exported: frozenset[str]) -> str:
    module = f'"{statement.specifier}"'
    offered = f"it exports {_listed(exported)}" if exported else "it exports nothing"
    if binding.imported == "default":
        return f"{module} has no default export: {offered}"
    return f"{module} does not export {binding.imported}: {offered}"


def _listed(exported: frozenset[str]) -> str:
    """Sorted names, the default export last, cut short when there are many."""
    names = sorted(exported - {"default"})
    if "default" in exported:
        names.append("default")
    if len(names) <= _LISTED:
        return ", ".join(names)
    return ", ".join(names[:_LISTED]) + f" and {len(names) - _LISTED} more"
