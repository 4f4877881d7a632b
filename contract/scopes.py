"""Lexical scopes of one module: every binding, and every reference resolved to one."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from . import names
from .syntax import Node
from .typescript import TYPE_CONTEXT
from .write_targets import is_assigned

FUNCTIONS = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "generator_function",
        "arrow_function",
        "method_definition",
        "class_static_block",
    }
)

_DECLARED_FUNCTIONS = frozenset(
    {"function_declaration", "generator_function_declaration"}
)
_CLASSES = frozenset({"class_declaration", "abstract_class_declaration"})
_BLOCKS = frozenset(
    {"statement_block", "for_statement", "for_in_statement", "switch_body"}
)
_JSX_NAMES = frozenset(
    {"jsx_opening_element", "jsx_closing_element", "jsx_self_closing_element"}
)


@dataclass(eq=False)
class Binding:
    """One declared name and everything that refers to it."""

    name: str
    kind: str  # import, const, let, var, function, class, enum, parameter, catch
    node: Node  # the declaring identifier
    scope: Scope
    value: Node | None = None  # initializer, or the function or class itself
    key_path: tuple[str, ...] = ()  # property keys when bound by destructuring
    function: Node | None = None  # for parameters: the function they belong to
    index: int = 0  # for parameters: their position
    import_target: str | None = None  # "zigttp:env" or a module name
    imported: str | None = None  # exported name in the source, "default" or "*"
    references: list[Node] = field(default_factory=list)
    assignments: list[Node] = field(default_factory=list)

    @property
    def is_module_level(self) -> bool:
        return self.scope.kind == "module"

    @property
    def is_plain_const(self) -> bool:
        """`const name = value`: the name always holds exactly that value."""
        return self.kind == "const" and not self.key_path and self.value is not None


@dataclass(eq=False)
class Scope:
    """A module, function or block and the names declared directly in it."""

    kind: str  # module, function, block
    node: Node
    parent: Scope | None
    bindings: dict[str, Binding] = field(default_factory=dict)

    def lookup(self, name: str) -> Binding | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.bindings:
                return scope.bindings[name]
            scope = scope.parent
        return None

    def function_scope(self) -> Scope:
        scope = self
        while scope.kind == "block" and scope.parent is not None:
            scope = scope.parent
        return scope


class Scopes:
    """All scopes of a module, with each identifier reference resolved."""

    def __init__(self, root: Node, import_targets: Mapping[int, str]) -> None:
        self.module = Scope("module", root, None)
        self.bindings: list[Binding] = []
        self.globals: dict[str, list[Node]] = {}
        self._resolved: dict[int, Binding] = {}
        self._declared: dict[int, Binding] = {}
        self._scope_of: dict[int, Scope] = {root.id: self.module}
        self._targets = import_targets

        self._declare_all(root)
        self._resolve_all(root)

    def binding(self, identifier: Node) -> Binding | None:
        """The binding an identifier refers to (or declares); None for globals."""
        return self._resolved.get(identifier.id) or self._declared.get(identifier.id)

    def is_global(self, identifier: Node, name: str) -> bool:
        """True when `identifier` is a reference to the global `name`."""
        return (
            identifier.type == "identifier"
            and _text(identifier) == name
            and identifier.id not in self._resolved
            and identifier.id not in self._declared
        )

    # Declarations --------------------------------------------------------------

    def _declare_all(self, root: Node) -> None:
        stack: list[tuple[Node, Scope]] = [(root, self.module)]
        while stack:
            node, scope = stack.pop()
            if node.type in TYPE_CONTEXT:
                continue

            inner = self._enter(node, scope)
            self._declare(node, scope, inner)
            stack.extend((child, inner) for child in reversed(node.children))

    def _enter(self, node: Node, scope: Scope) -> Scope:
        if node.type in FUNCTIONS:
            inner = Scope("function", node, scope)
        elif node.type == "catch_clause" or (
            node.type in _BLOCKS
            and not (node.type == "statement_block" and _is_function_body(node))
        ):
            inner = Scope("block", node, scope)
        else:
            return scope
        self._scope_of[node.id] = inner
        return inner

    def _declare(self, node: Node, outer: Scope, inner: Scope) -> None:
        kind = node.type
        if kind == "import_statement":
            self._declare_imports(node)
        elif kind in ("lexical_declaration", "variable_declaration"):
            self._declare_variables(node, outer)
        elif kind in _DECLARED_FUNCTIONS or kind in _CLASSES:
            name = node.child_by_field_name("name")
            if name is not None:
                self._add(
                    name,
                    "function" if kind in _DECLARED_FUNCTIONS else "class",
                    outer,
                    value=node,
                )
        elif kind == "enum_declaration":
            name = node.child_by_field_name("name")
            if name is not None:
                self._add(name, "enum", outer, value=node)
        elif kind in ("function_expression", "generator_function"):
            name = node.child_by_field_name("name")
            if name is not None:
                self._add(name, "function", inner, value=node)

        if kind in FUNCTIONS:
            self._declare_parameters(node, inner)
        elif kind == "catch_clause":
            parameter = node.child_by_field_name("parameter")
            if parameter is not None:
                for identifier, keys in pattern_names(parameter):
                    self._add(identifier, "catch", inner, key_path=keys)
        elif kind == "for_in_statement":
            self._declare_loop_variable(node, inner)

    def _declare_imports(self, statement: Node) -> None:
        source = statement.child_by_field_name("source")
        if source is None or any(child.type == "type" for child in statement.children):
            return
        target = self._targets.get(source.start_byte)
        clause = next(
            (c for c in statement.named_children if c.type == "import_clause"), None
        )
        if clause is None:
            return

        for part in clause.named_children:
            if part.type == "identifier":
                self._add(
                    part, "import", self.module, target=target, imported="default"
                )
            elif part.type == "namespace_import":
                self._add(
                    part.named_children[-1],
                    "import",
                    self.module,
                    target=target,
                    imported="*",
                )
            elif part.type == "named_imports":
                for specifier in part.named_children:
                    if specifier.type != "import_specifier" or any(
                        child.type == "type" for child in specifier.children
                    ):
                        continue
                    name = specifier.child_by_field_name("name")
                    alias = specifier.child_by_field_name("alias") or name
                    assert name is not None and alias is not None
                    imported = (
                        names.literal_text(name)
                        if name.type == "string"
                        else _text(name)
                    )
                    self._add(
                        alias, "import", self.module, target=target, imported=imported
                    )

    def _declare_variables(self, declaration: Node, scope: Scope) -> None:
        keyword = declaration.children[0].type if declaration.children else "var"
        kind = keyword if keyword in ("const", "let") else "var"
        target = scope.function_scope() if kind == "var" else scope

        for declarator in declaration.named_children:
            if declarator.type != "variable_declarator":
                continue
            pattern = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if pattern is None:
                continue
            for identifier, keys in pattern_names(pattern):
                self._add(identifier, kind, target, value=value, key_path=keys)

    def _declare_parameters(self, function: Node, scope: Scope) -> None:
        single = function.child_by_field_name("parameter")
        if single is not None:
            self._add(single, "parameter", scope, function=function, index=0)
            return

        parameters = function.child_by_field_name("parameters")
        if parameters is None:
            return
        index = 0
        for parameter in parameters.named_children:
            if parameter.type not in ("required_parameter", "optional_parameter"):
                continue
            pattern = parameter.child_by_field_name("pattern")
            if pattern is not None and pattern.type != "this":
                for identifier, keys in pattern_names(pattern):
                    self._add(
                        identifier,
                        "parameter",
                        scope,
                        key_path=keys,
                        function=function,
                        index=index,
                    )
            index += 1

    def _declare_loop_variable(self, loop: Node, scope: Scope) -> None:
        kinds = [child.type for child in loop.children]
        left = loop.child_by_field_name("left")
        if left is None:
            return
        if "const" in kinds or "let" in kinds:
            kind = "const" if "const" in kinds else "let"
            target = scope
        elif "var" in kinds:
            kind, target = "var", scope.function_scope()
        else:
            return
        # The loop variable holds items of the iterated value: record that as its
        # value with an element step, so taint and routes see where it comes from.
        iterated = loop.child_by_field_name("right")
        for identifier, keys in pattern_names(left):
            self._add(identifier, kind, target, value=iterated, key_path=("[]", *keys))

    def _add(
        self,
        identifier: Node,
        kind: str,
        scope: Scope,
        *,
        value: Node | None = None,
        key_path: tuple[str, ...] = (),
        function: Node | None = None,
        index: int = 0,
        target: str | None = None,
        imported: str | None = None,
    ) -> None:
        binding = Binding(
            name=_text(identifier),
            kind=kind,
            node=identifier,
            scope=scope,
            value=value,
            key_path=key_path,
            function=function,
            index=index,
            import_target=target,
            imported=imported,
        )
        scope.bindings.setdefault(binding.name, binding)
        self.bindings.append(binding)
        self._declared[identifier.id] = scope.bindings[binding.name]

    # References ----------------------------------------------------------------

    def _resolve_all(self, root: Node) -> None:
        stack: list[tuple[Node, Scope]] = [(root, self.module)]
        while stack:
            node, scope = stack.pop()
            if _skips(node):
                continue
            scope = self._scope_of.get(node.id, scope)

            if node.type in (
                "identifier",
                "shorthand_property_identifier",
                "shorthand_property_identifier_pattern",
            ):
                self._reference(node, scope)
            stack.extend((child, scope) for child in reversed(node.children))

    def _reference(self, node: Node, scope: Scope) -> None:
        if node.id in self._declared or not _is_reference(node):
            return

        binding = scope.lookup(_text(node))
        if binding is None:
            self.globals.setdefault(_text(node), []).append(node)
            return

        self._resolved[node.id] = binding
        binding.references.append(node)
        if is_assigned(node):
            binding.assignments.append(node)


def pattern_names(pattern: Node) -> Iterator[tuple[Node, tuple[str, ...]]]:
    """The identifiers a binding pattern declares, with the keys leading to each."""
    stack: list[tuple[Node, tuple[str, ...]]] = [(pattern, ())]
    while stack:
        node, keys = stack.pop()
        kind = node.type
        if kind == "identifier":
            yield node, keys
        elif kind == "shorthand_property_identifier_pattern":
            yield node, (*keys, _text(node))
        elif kind == "pair_pattern":
            key = node.child_by_field_name("key")
            value = node.child_by_field_name("value")
            if value is not None:
                stack.append((value, (*keys, _key_text(key))))
        elif kind in ("object_assignment_pattern", "assignment_pattern"):
            left = node.child_by_field_name("left")
            if left is not None:
                stack.append((left, keys))
        elif kind == "object_pattern":
            stack.extend((child, keys) for child in reversed(node.named_children))
        elif kind == "array_pattern":
            stack.extend(
                (child, (*keys, "[]")) for child in reversed(node.named_children)
            )
        elif kind == "rest_pattern":
            stack.extend((child, (*keys, "...")) for child in node.named_children)


def _skips(node: Node) -> bool:
    if node.type in TYPE_CONTEXT or node.type == "import_statement":
        return True
    if node.type == "export_statement":
        return node.child_by_field_name("source") is not None or any(
            child.type == "type" for child in node.children
        )
    return False


def _is_reference(node: Node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "export_specifier":
        return parent.child_by_field_name("name") == node
    if parent.type == "jsx_namespace_name":
        return False
    if parent.type in _JSX_NAMES:
        text = _text(node)
        return not (text[:1].islower() or "-" in text)
    if node.type == "shorthand_property_identifier_pattern":
        return is_assigned(node)
    return True


def _is_function_body(block: Node) -> bool:
    parent = block.parent
    return parent is not None and parent.type in FUNCTIONS


def _key_text(key: Node | None) -> str:
    if key is None:
        return "?"
    if key.type == "string":
        return names.literal_text(key)
    if key.type == "computed_property_name":
        return "?"
    return _text(key)


def _text(node: Node) -> str:
    """A name as JavaScript reads it: `\\u0065val` is `eval`."""
    return names.identifier(node)


def enclosing_function(node: Node) -> Node | None:
    """The innermost function around `node`; None at module level."""
    current = node.parent
    while current is not None and current.type not in FUNCTIONS:
        current = current.parent
    return current
