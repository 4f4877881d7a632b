"""What kind of value an expression holds, as far as its source says.

Only what decides whether using a value can change it: a primitive cannot be
changed; an array's `map` only reads it while its `push` writes it; a Map's
`get` reads while `set` writes; a generator's `next` moves it on; calling a
method of an object literal runs that method with the object as `this`. An
object literal is read as it is written only while module code leaves it
alone: a module that changes it (or hands it on) while loading makes its
shape unknown. Anything else is UNKNOWN, and the caller treats that as
"could be anything".
"""

from __future__ import annotations

from dataclasses import dataclass

from .findings import Unit
from .lifetimes import Lifetimes
from .scopes import FUNCTIONS, Binding
from .syntax import Node
from .values import key_name, static_string
from .wrapping import outer, unwrap
from .write_targets import is_written_chain

PRIMITIVE = "primitive"
LOOKUP = "lookup"  # a primitive, or a built-in inherited from Object.prototype
FUNCTION = "function"
OBJECT = "object"
ARRAY = "array"
COLLECTION = "collection"  # Map, Set, WeakMap, WeakSet
DATE = "date"
REGEX = "regex"
URL_LIKE = "url"  # URL, URLSearchParams, Headers
GENERATOR = "generator"
INSTANCE = "instance"
GLOBAL = "global"
ROUTER_MATCH = "router-match"
HOLDER = "holder"  # a fresh object or array holding values of the inner shape
UNKNOWN = "unknown"

_PRIMITIVE_NODES = frozenset(
    {
        "string",
        "template_string",
        "number",
        "true",
        "false",
        "null",
        "undefined",
        "unary_expression",
        "update_expression",
    }
)
_LOGICAL = frozenset({"&&", "||", "??"})
_CONSTRUCTED = {
    "Map": COLLECTION,
    "Set": COLLECTION,
    "WeakMap": COLLECTION,
    "WeakSet": COLLECTION,
    "Date": DATE,
    "URL": URL_LIKE,
    "URLSearchParams": URL_LIKE,
    "Headers": URL_LIKE,
    "Array": ARRAY,
}
_PRIMITIVE_CALLS = frozenset(
    {"String", "Number", "Boolean", "parseInt", "parseFloat", "encodeURIComponent"}
)
_DEPTH_LIMIT = 12


@dataclass(frozen=True)
class Shape:
    """A kind, with the literal, function or class node it comes from."""

    kind: str
    node: Node | None = None
    stateful: bool = False  # a RegExp with the g or y flag keeps lastIndex
    inner: Shape | None = None  # for a HOLDER: what it holds

    @property
    def is_inert(self) -> bool:
        """Nothing done with the value can change shared state."""
        if self.kind == HOLDER:
            return self.inner is None or self.inner.is_inert
        return self.kind in (PRIMITIVE, LOOKUP)


def holder(inner: Shape) -> Shape:
    """A fresh container holding values of `inner` (nothing, when inert)."""
    return Shape(LOOKUP) if inner.is_inert else Shape(HOLDER, inner=inner)


UNKNOWN_SHAPE = Shape(UNKNOWN)
PRIMITIVE_SHAPE = Shape(PRIMITIVE)


class Shapes:
    """Shapes of one module's expressions."""

    def __init__(self, unit: Unit, lifetimes: Lifetimes) -> None:
        self.unit = unit
        self.lifetimes = lifetimes

    def of(self, node: Node | None, depth: int = 0) -> Shape:
        """The shape of an expression's value."""
        if node is None or depth > _DEPTH_LIMIT:
            return UNKNOWN_SHAPE
        node = unwrap(node)
        kind = node.type

        if kind in _PRIMITIVE_NODES:
            return PRIMITIVE_SHAPE
        if kind == "binary_expression":
            operator = node.child_by_field_name("operator")
            if operator is not None and operator.type in _LOGICAL:
                return UNKNOWN_SHAPE
            return PRIMITIVE_SHAPE
        if kind == "regex":
            flags = node.child_by_field_name("flags")
            text = self.unit.text(flags) if flags is not None else ""
            return Shape(REGEX, node, stateful="g" in text or "y" in text)
        if kind == "object":
            return Shape(OBJECT, node)
        if kind == "array":
            return Shape(ARRAY, node)
        if kind in FUNCTIONS or kind in ("class", "class_declaration"):
            return Shape(FUNCTION, node)
        if kind == "new_expression":
            return self._constructed(node)
        if kind == "call_expression":
            return self._called(node)
        if kind in ("identifier", "shorthand_property_identifier"):
            return self._named(node, depth)
        if kind in ("member_expression", "subscript_expression"):
            target = node.child_by_field_name("object")
            return self.member(self.of(target, depth + 1), self.member_name(node))
        return UNKNOWN_SHAPE

    def of_binding(self, binding: Binding, depth: int = 0) -> Shape:
        """The shape a binding always holds, or UNKNOWN."""
        if binding.kind in ("function", "class"):
            return Shape(FUNCTION, binding.value)
        if binding.kind == "import":
            if (binding.import_target or "").startswith("zigttp:"):
                return Shape(FUNCTION) if binding.imported != "*" else Shape(GLOBAL)
            return UNKNOWN_SHAPE
        if binding.kind not in ("const", "let", "var") or binding.assignments:
            return UNKNOWN_SHAPE
        if binding.key_path or binding.value is None or depth > _DEPTH_LIMIT:
            return UNKNOWN_SHAPE
        shape = self.of(binding.value, depth + 1)
        if shape.kind in (OBJECT, ARRAY) and not self._left_alone_at_load(binding):
            return UNKNOWN_SHAPE
        return shape

    def member(self, shape: Shape, name: str | None) -> Shape:
        """The shape of `value.name` (name None: a key computed at run time)."""
        if shape.kind in (PRIMITIVE, LOOKUP):
            return PRIMITIVE_SHAPE
        if shape.kind == GLOBAL:
            return shape
        if name == "length" and shape.kind in (ARRAY, FUNCTION):
            return PRIMITIVE_SHAPE
        if shape.kind == ARRAY and shape.node is not None:
            if name is None or name.isdigit():
                return self.element(shape)
            return Shape(LOOKUP)
        if shape.kind == OBJECT and shape.node is not None:
            return self._property(shape.node, name)
        if shape.kind == ROUTER_MATCH:
            return self._matched(shape, name)
        if shape.kind == HOLDER and shape.inner is not None:
            return shape.inner
        return UNKNOWN_SHAPE

    def contents(self, shape: Shape) -> Shape:
        """What copying the value's own properties or items (`{...x}`,
        `[...x]`, Object.assign) puts in the copy."""
        if shape.is_inert:
            return Shape(LOOKUP)
        if shape.kind == HOLDER and shape.inner is not None:
            return shape.inner
        if shape.kind == ARRAY:
            return self.element(shape)
        if shape.kind == OBJECT and shape.node is not None:
            return self._property(shape.node, None)
        return UNKNOWN_SHAPE

    def element(self, shape: Shape) -> Shape:
        """The shape of an item of an array (or of what iterating it gives)."""
        if shape.kind == HOLDER and shape.inner is not None:
            return shape.inner
        if shape.kind != ARRAY or shape.node is None:
            return UNKNOWN_SHAPE
        items = [c for c in shape.node.named_children if c.type != "comment"]
        if all(self.of(item).kind in (PRIMITIVE, LOOKUP) for item in items):
            return Shape(LOOKUP)
        return UNKNOWN_SHAPE

    def entries(self, literal: Node) -> list[tuple[str | None, Node]] | None:
        """(key, entry) of an object literal; None when a spread hides keys."""
        found: list[tuple[str | None, Node]] = []
        for entry in literal.named_children:
            if entry.type == "comment":
                continue
            if entry.type == "spread_element":
                return None
            key = entry if entry.type == "shorthand_property_identifier" else None
            key = (
                key
                or entry.child_by_field_name("key")
                or entry.child_by_field_name("name")
            )
            found.append((key_name(key, self.unit.scopes), entry))
        return found

    def method(self, shape: Shape, name: str | None) -> Node | None:
        """The function a method call on an object literal or class instance runs."""
        if name is None:
            return None
        if shape.kind == OBJECT and shape.node is not None:
            entries = self.entries(shape.node) or []
            for key, entry in reversed(entries):
                if key == name:
                    return _function_of_entry(entry)
            return None
        if shape.kind in (INSTANCE, FUNCTION) and shape.node is not None:
            static = shape.kind == FUNCTION
            return self.class_member(shape.node, name, static=static)
        return None

    def member_name(self, member: Node) -> str | None:
        """The property a member or subscript names; None when computed."""
        if member.type == "member_expression":
            name = member.child_by_field_name("property")
            return self.unit.name_of(name) if name is not None else None
        return static_string(member.child_by_field_name("index"), self.unit.scopes)

    def class_member(
        self, declaration: Node, name: str, *, static: bool
    ) -> Node | None:
        """The method (or accessor) `name` of a class body, static or not."""
        body = declaration.child_by_field_name("body")
        if body is None:
            return None
        for member in reversed(body.named_children):
            if member.type != "method_definition" or _is_static(member) != static:
                continue
            key = member.child_by_field_name("name")
            if key_name(key, self.unit.scopes) == name:
                return member
        return None

    def has_accessor(self, literal: Node, name: str | None) -> bool:
        """Reading `name` (any name, when None) may run a getter of the literal."""
        for entry in literal.named_children:
            if entry.type == "spread_element":
                return True
            if entry.type == "method_definition" and _is_accessor(entry):
                key = key_name(entry.child_by_field_name("name"), self.unit.scopes)
                if name is None or key is None or key == name:
                    return True
        return False

    # Pieces -------------------------------------------------------------------

    def _named(self, node: Node, depth: int) -> Shape:
        binding = self.unit.scopes.binding(node)
        if binding is None:
            return Shape(GLOBAL, node)
        return self.of_binding(binding, depth + 1)

    def _constructed(self, node: Node) -> Shape:
        constructor = node.child_by_field_name("constructor")
        if constructor is None:
            return UNKNOWN_SHAPE
        constructor = unwrap(constructor)
        if constructor.type != "identifier":
            return UNKNOWN_SHAPE
        binding = self.unit.scopes.binding(constructor)
        if binding is None:
            name = self.unit.name_of(constructor)
            if name == "RegExp":
                return Shape(REGEX, node, stateful=True)
            kind = _CONSTRUCTED.get(name)
            return Shape(kind, node) if kind is not None else UNKNOWN_SHAPE
        if binding.kind == "class" and binding.value is not None:
            return Shape(INSTANCE, binding.value)
        return UNKNOWN_SHAPE

    def _called(self, node: Node) -> Shape:
        function = node.child_by_field_name("function")
        if function is None:
            return UNKNOWN_SHAPE
        function = unwrap(function)
        if function.type == "identifier":
            binding = self.unit.scopes.binding(function)
            if binding is None:
                name = self.unit.name_of(function)
                return PRIMITIVE_SHAPE if name in _PRIMITIVE_CALLS else UNKNOWN_SHAPE
            if binding.import_target == "zigttp:router":
                arguments = node.child_by_field_name("arguments")
                table = arguments.named_children[0] if arguments else None
                return Shape(ROUTER_MATCH, table)
            value = binding.value
            if (
                binding.kind == "function"
                and value is not None
                and value.type == "generator_function_declaration"
            ):
                return Shape(GENERATOR)
        return UNKNOWN_SHAPE

    def _property(self, literal: Node, name: str | None) -> Shape:
        entries = self.entries(literal)
        if entries is None:
            return UNKNOWN_SHAPE
        if name is None:
            shapes = {self._entry_shape(entry).kind for _, entry in entries}
            return Shape(LOOKUP) if shapes <= {PRIMITIVE, LOOKUP} else UNKNOWN_SHAPE
        for key, entry in reversed(entries):
            if key is None:
                return UNKNOWN_SHAPE
            if key == name:
                return self._entry_shape(entry)
        return Shape(LOOKUP)  # inherited from Object.prototype, or undefined

    def _entry_shape(self, entry: Node) -> Shape:
        if entry.type == "pair":
            return self.of(entry.child_by_field_name("value"))
        if entry.type == "shorthand_property_identifier":
            return self.of(entry)
        if entry.type == "method_definition" and not _is_accessor(entry):
            return Shape(FUNCTION, entry)
        return UNKNOWN_SHAPE

    def _matched(self, shape: Shape, name: str | None) -> Shape:
        """routerMatch's answer: `params` is fresh, `handler` and `route` are the
        table's values (functions for an object table, its items for an array)."""
        if name == "params":
            return UNKNOWN_SHAPE if shape.node is None else Shape(LOOKUP)
        table = self.of(shape.node)
        if name not in ("handler", "route") or table.node is None:
            return UNKNOWN_SHAPE
        if table.kind == OBJECT:
            entries = self.entries(table.node) or []
            kinds = {self._entry_shape(entry).kind for _, entry in entries}
        elif table.kind == ARRAY and name == "handler":
            items = [self.of(item) for item in table.node.named_children]
            kinds = {
                self.member(item, "handler").kind if item.kind == OBJECT else UNKNOWN
                for item in items
            }
        else:
            return UNKNOWN_SHAPE
        return Shape(FUNCTION) if kinds == {FUNCTION} else UNKNOWN_SHAPE

    def _left_alone_at_load(self, binding: Binding) -> bool:
        """Module code only reads the literal (or hands it to routerMatch), so
        it still has the shape it was written with when a request comes."""
        for reference in binding.references:
            if self.lifetimes.context(reference) is not None:
                continue
            used = outer(reference)
            parent = used.parent
            if parent is None:
                return False
            if parent.type in ("member_expression", "subscript_expression"):
                if parent.child_by_field_name("object") != used or is_written_chain(
                    parent
                ):
                    return False
                continue
            if parent.type in ("export_specifier", "expression_statement"):
                continue
            if parent.type == "arguments" and _is_router_call(self.unit, parent.parent):
                continue
            return False
        return True


def _function_of_entry(entry: Node) -> Node | None:
    if entry.type == "method_definition":
        return entry
    if entry.type == "pair":
        value = entry.child_by_field_name("value")
        value = unwrap(value) if value is not None else None
        if value is not None and value.type in FUNCTIONS:
            return value
    return None


def _is_accessor(entry: Node) -> bool:
    return any(child.type in ("get", "set") for child in entry.children)


def _is_static(member: Node) -> bool:
    return any(child.type == "static" for child in member.children)


def _is_router_call(unit: Unit, call: Node | None) -> bool:
    if call is None or call.type != "call_expression":
        return False
    function = call.child_by_field_name("function")
    if function is None or unwrap(function).type != "identifier":
        return False
    binding = unit.scopes.binding(unwrap(function))
    return binding is not None and binding.import_target == "zigttp:router"
