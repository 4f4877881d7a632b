"""Imports and exports of a module: what they name, which vanish with the types."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from . import names
from .source import SourceText
from .syntax import Node, Tree, walk
from .typescript import TYPE_CONTEXT, TYPE_DECLARATIONS
from .virtual_modules import TYPES_MODULE

_VALUE_DECLARATIONS = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "class_declaration",
        "abstract_class_declaration",
        "lexical_declaration",
        "variable_declaration",
        "enum_declaration",
    }
)

_PATTERN_NAMES = frozenset({"identifier", "shorthand_property_identifier_pattern"})


@dataclass(frozen=True)
class Binding:
    """One name an import (or re-export) brings in."""

    node: Node  # the specifier to remove when elided
    local: str  # the name in this module (the exported name for re-exports)
    imported: str  # the name in the source module, "default" or "*"
    type_only: bool


@dataclass(frozen=True)
class Import:
    """An `import ... from` or `export ... from` statement."""

    statement: Node
    source: Node  # the string literal
    specifier: str
    reexport: bool
    type_only: bool
    side_effect: bool  # `import "x"` and `export * from "x"`: no names to elide
    bindings: tuple[Binding, ...]


@dataclass(frozen=True)
class LocalExport:
    """`export { local as exported }` without a source."""

    node: Node
    local: str
    exported: str
    type_only: bool


@dataclass
class Shape:
    """The module-level names of one module, as far as imports and exports go."""

    imports: list[Import] = field(default_factory=list)
    local_exports: list[LocalExport] = field(default_factory=list)
    type_names: set[str] = field(default_factory=set)
    value_names: set[str] = field(default_factory=set)
    exported_types: set[str] = field(default_factory=set)
    exported_values: set[str] = field(default_factory=set)
    value_references: set[str] = field(default_factory=set)
    exports_handler: bool = False
    declares_handler: bool = False
    type_statements: list[Node] = field(default_factory=list)
    # Filled in by the program: import source start byte -> "zigttp:x" or module name.
    targets: dict[int, str] = field(default_factory=dict)
    # Exported names that are only types, settled across modules.
    type_exports: set[str] = field(default_factory=set)


def shape(source: SourceText, tree: Tree) -> Shape:
    """Collect the imports, exports and top-level declarations of a module."""
    found = Shape()
    for statement in tree.root_node.named_children:
        if statement.type == "import_statement":
            _import(source, statement, found)
        elif statement.type == "export_statement":
            _export(source, statement, found)
        elif statement.type in TYPE_DECLARATIONS:
            found.type_names.update(_declared_names(statement))
        elif statement.type in _VALUE_DECLARATIONS:
            names = _declared_names(statement)
            found.value_names.update(names)
            found.declares_handler |= "handler" in names

    found.value_references = _value_references(tree.root_node)
    return found


def string_value(source: SourceText, node: Node) -> str:
    """The value of a specifier's string literal, escapes decoded."""
    return names.literal_text(node)


def _import(source: SourceText, statement: Node, found: Shape) -> None:
    source_node = statement.child_by_field_name("source")
    if source_node is None:
        # `import x = require(...)` and `import x = A.B`: refused by the rewrite.
        return

    type_only = any(child.type == "type" for child in statement.children)
    clause = next(
        (c for c in statement.named_children if c.type == "import_clause"), None
    )
    bindings: list[Binding] = []
    if clause is not None:
        bindings = list(_import_bindings(clause, type_only))

    found.imports.append(
        Import(
            statement=statement,
            source=source_node,
            specifier=string_value(source, source_node),
            reexport=False,
            type_only=type_only,
            side_effect=clause is None,
            bindings=tuple(bindings),
        )
    )
    for binding in bindings:
        target = found.type_names if binding.type_only else found.value_names
        target.add(binding.local)
        found.declares_handler |= binding.local == "handler" and not binding.type_only


def _import_bindings(clause: Node, type_only: bool) -> Iterator[Binding]:
    for part in clause.named_children:
        if part.type == "identifier":
            yield Binding(part, _text(part), "default", type_only)
        elif part.type == "namespace_import":
            name = part.named_children[-1]
            yield Binding(part, _text(name), "*", type_only)
        elif part.type == "named_imports":
            for specifier in part.named_children:
                if specifier.type != "import_specifier":
                    continue
                imported = specifier.child_by_field_name("name")
                alias = specifier.child_by_field_name("alias") or imported
                assert imported is not None and alias is not None
                marked = any(child.type == "type" for child in specifier.children)
                yield Binding(
                    specifier, _text(alias), _name_text(imported), type_only or marked
                )


def _export(source: SourceText, statement: Node, found: Shape) -> None:
    type_only = any(child.type == "type" for child in statement.children)
    declaration = statement.child_by_field_name("declaration")
    default = any(child.type == "default" for child in statement.children)
    source_node = statement.child_by_field_name("source")

    if declaration is not None and declaration.type in TYPE_DECLARATIONS:
        names = _declared_names(declaration)
        found.type_names.update(names)
        found.exported_types.update({"default"} if default else names)
        found.type_statements.append(statement)
        return

    if declaration is not None:
        names = _declared_names(declaration)
        found.value_names.update(names)
        found.exported_values.update({"default"} if default else names)
        found.declares_handler |= "handler" in names
        found.exports_handler |= default or "handler" in names
        return

    if default:
        found.exported_values.add("default")
        found.exports_handler = True
        return

    clause = next(
        (c for c in statement.named_children if c.type == "export_clause"), None
    )
    if source_node is not None:
        _reexport(source, statement, source_node, clause, type_only, found)
        return
    if clause is None:
        return

    for specifier in clause.named_children:
        if specifier.type != "export_specifier":
            continue
        local, exported = _export_names(specifier)
        marked = type_only or any(child.type == "type" for child in specifier.children)
        found.local_exports.append(LocalExport(specifier, local, exported, marked))
        found.exports_handler |= exported in ("handler", "default") and not marked


def _reexport(
    source: SourceText,
    statement: Node,
    source_node: Node,
    clause: Node | None,
    type_only: bool,
    found: Shape,
) -> None:
    bindings: list[Binding] = []
    namespace = next(
        (c for c in statement.named_children if c.type == "namespace_export"), None
    )
    if namespace is not None:
        name = namespace.named_children[-1]
        bindings.append(Binding(namespace, _name_text(name), "*", type_only))
    if clause is not None:
        for specifier in clause.named_children:
            if specifier.type != "export_specifier":
                continue
            local, exported = _export_names(specifier)
            marked = type_only or any(
                child.type == "type" for child in specifier.children
            )
            bindings.append(Binding(specifier, exported, local, marked))

    found.exports_handler |= any(
        binding.local in ("handler", "default") and not binding.type_only
        for binding in bindings
    )
    found.imports.append(
        Import(
            statement=statement,
            source=source_node,
            specifier=string_value(source, source_node),
            reexport=True,
            type_only=type_only,
            side_effect=namespace is None and clause is None,
            bindings=tuple(bindings),
        )
    )


def _export_names(specifier: Node) -> tuple[str, str]:
    name = specifier.child_by_field_name("name")
    alias = specifier.child_by_field_name("alias") or name
    assert name is not None and alias is not None
    return _name_text(name), _name_text(alias)


def _declared_names(declaration: Node) -> set[str]:
    """Names a top-level declaration binds (patterns included)."""
    if declaration.type == "ambient_declaration":
        names: set[str] = set()
        for inner in declaration.named_children:
            names |= _declared_names(inner)
        return names

    if declaration.type in ("lexical_declaration", "variable_declaration"):
        names = set()
        for declarator in declaration.named_children:
            pattern = declarator.child_by_field_name("name")
            if pattern is not None:
                names |= {
                    _text(node)
                    for node in walk(pattern)
                    if node.type in _PATTERN_NAMES
                    and not _is_default_value(node, pattern)
                }
        return names

    name = declaration.child_by_field_name("name")
    return {_text(name)} if name is not None else set()


def _is_default_value(node: Node, pattern: Node) -> bool:
    """True for identifiers on the right of `=` in a pattern (`{ a = b }`)."""
    current = node
    while current != pattern and current.parent is not None:
        parent = current.parent
        if parent.type in ("assignment_pattern", "object_assignment_pattern"):
            right = parent.child_by_field_name("right")
            if right is not None and right == current:
                return True
        current = parent
    return False


def _value_references(root: Node) -> set[str]:
    """Names used as values anywhere: what keeps an import alive."""
    names: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in TYPE_CONTEXT or node.type == "import_statement":
            continue
        if node.type == "export_statement" and _skips_references(node):
            continue
        if node.type == "export_specifier" and any(
            c.type == "type" for c in node.children
        ):
            continue
        if node.type in ("identifier", "shorthand_property_identifier"):
            names.add(_text(node))
        stack.extend(node.children)
    return names


def _skips_references(statement: Node) -> bool:
    """`export type {...}` and `export {...} from "x"` name nothing of this module."""
    has_source = statement.child_by_field_name("source") is not None
    return has_source or any(child.type == "type" for child in statement.children)


def _name_text(node: Node) -> str:
    return names.literal_text(node) if node.type == "string" else _text(node)


def _text(node: Node) -> str:
    """A declared or imported name as JavaScript reads it (escapes decoded)."""
    return names.identifier(node)


def settle_type_exports(shapes: dict[str, Shape]) -> None:
    """Work out, for every module, which exported names are only types.

    A name re-exported from another bundled module is a type when it is one
    there, so this repeats until no module learns anything new.
    """
    changed = True
    while changed:
        changed = False
        for module in shapes.values():
            found = set(module.exported_types - module.exported_values)
            for export in module.local_exports:
                if export.type_only or _is_type_binding(module, export.local, shapes):
                    found.add(export.exported)
            for statement in module.imports:
                if not statement.reexport:
                    continue
                for binding in statement.bindings:
                    if binding.type_only or _imports_type(
                        module, statement, binding, shapes
                    ):
                        found.add(binding.local)

            if not found <= module.type_exports:
                module.type_exports |= found
                changed = True


@dataclass(frozen=True)
class Plan:
    """What the rewrite of one module removes from its import and export statements."""

    dropped: frozenset[int]  # start bytes of statements that vanish
    elided: frozenset[int]  # start bytes of specifiers that vanish
    virtual_modules: tuple[str, ...]  # zigttp:* modules the output still imports


def plan(module: Shape, shapes: dict[str, Shape]) -> Plan:
    """Decide, as TypeScript does, which imports and exports only carry types."""
    dropped = {statement.start_byte for statement in module.type_statements}
    elided: set[int] = set()
    virtual: list[str] = []

    for statement in module.imports:
        target = module.targets[statement.source.start_byte]
        if statement.type_only or target == TYPES_MODULE:
            dropped.add(statement.statement.start_byte)
            continue

        gone = [
            binding
            for binding in statement.bindings
            if _elides(module, statement, binding, shapes)
        ]
        elided |= {binding.node.start_byte for binding in gone}
        if statement.bindings and len(gone) == len(statement.bindings):
            dropped.add(statement.statement.start_byte)
        elif target.startswith("zigttp:"):
            virtual.append(target)

    exports = [export for export in module.local_exports]
    gone_exports = [
        export
        for export in exports
        if export.type_only or _is_type_binding(module, export.local, shapes)
    ]
    elided |= {export.node.start_byte for export in gone_exports}
    for statement_start in _statements_emptied(exports, gone_exports):
        dropped.add(statement_start)

    return Plan(frozenset(dropped), frozenset(elided), tuple(sorted(set(virtual))))


def _elides(
    module: Shape, statement: Import, binding: Binding, shapes: dict[str, Shape]
) -> bool:
    if binding.type_only or _imports_type(module, statement, binding, shapes):
        return True
    if statement.reexport:
        return False
    return binding.local not in module.value_references


def _imports_type(
    module: Shape, statement: Import, binding: Binding, shapes: dict[str, Shape]
) -> bool:
    target = shapes.get(module.targets.get(statement.source.start_byte, ""))
    return target is not None and binding.imported in target.type_exports


def _is_type_binding(module: Shape, name: str, shapes: dict[str, Shape]) -> bool:
    if name in module.type_names and name not in module.value_names:
        return True
    for statement in module.imports:
        if statement.reexport:
            continue
        for binding in statement.bindings:
            if binding.local == name:
                return binding.type_only or _imports_type(
                    module, statement, binding, shapes
                )
    return False


def _statements_emptied(
    exports: list[LocalExport], gone: list[LocalExport]
) -> Iterator[int]:
    """Export statements whose every specifier is elided."""
    by_statement: dict[int, list[bool]] = {}
    for export in exports:
        statement = _statement_of(export.node)
        by_statement.setdefault(statement.start_byte, []).append(export in gone)
    for start, removed in by_statement.items():
        if all(removed):
            yield start


def _statement_of(node: Node) -> Node:
    current = node
    while current.type != "export_statement" and current.parent is not None:
        current = current.parent
    return current
