"""Where a value that outlives a request goes, and whether request code changes it.

Starting from each use of such a value in code that runs per request, the
tracker follows it through names it is given (`const s = STATE`), the
parameters of the module's own functions it is passed to, what those return,
containers it is put in (`[STATE]`, `{ s: STATE }`, `list.push(STATE)`),
array callbacks and loops, and the `this` of methods called on it. It stops
where nothing can change the value: a primitive, a comparison, a template, a
read-only built-in (JSON.stringify, Response.json, Math, console, the zigttp
modules). A write through it (`s.n++`, `delete s.x`, `s.items.push(x)`,
`Object.assign(s, ...)`, `m.set(k, v)` on a Map, `g.next()` on a generator,
`re.exec(s)` on a /g regex) is a proven write when the path from the shared
value was exact, and undecided when the tracker lost precision on the way.
Anything it cannot follow (a value handed to a function it cannot see,
returned from a callback of unknown code, iterated when it may be a shared
iterator) leaves stateIsolated undecided. Calling a shared function is no
write by itself: what the function writes is judged where its code is (a
closure's variables through lifetimes.py, `this` through shared_state.py).

Assumed, not proven: built-in functions neither keep nor change what they are
given, except the writers listed here (Object.assign, Reflect.set and the
like) and the methods that store into their receiver (push, set, add...); a
method named like a built-in one (`get`, `includes`) only reads; a function
handed to other code as a value (`items.map(format)`) is called, not changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import callers
from .findings import Findings, Unit
from .lifetimes import Lifetimes
from .scopes import (
    FUNCTIONS,
    Binding,
    is_assigned,
    is_write_target,
    outer,
    pattern_names,
    unwrap,
)
from .shapes import (
    ARRAY,
    COLLECTION,
    DATE,
    FUNCTION,
    GENERATOR,
    GLOBAL,
    HOLDER,
    INSTANCE,
    OBJECT,
    REGEX,
    ROUTER_MATCH,
    UNKNOWN_SHAPE,
    URL_LIKE,
    Shape,
    Shapes,
    holder,
)
from .syntax import Node, walk

ARRAY_WRITERS = frozenset(
    {
        "push",
        "pop",
        "shift",
        "unshift",
        "splice",
        "sort",
        "reverse",
        "fill",
        "copyWithin",
    }
)
_ARRAY_ITEMS = frozenset({"at", "find", "findLast", "pop", "shift"})
_ARRAY_COPIES = frozenset(
    {
        "filter",
        "slice",
        "concat",
        "flat",
        "toReversed",
        "toSorted",
        "toSpliced",
        "with",
        "values",
        "entries",
    }
)
_ARRAY_READERS = frozenset(
    {
        "join",
        "includes",
        "indexOf",
        "lastIndexOf",
        "findIndex",
        "findLastIndex",
        "some",
        "every",
        "toString",
        "toLocaleString",
        "keys",
        "forEach",
        "map",
        "flatMap",
        "reduce",
        "reduceRight",
    }
)
_CALLBACK_ITEM = {"reduce": 1, "reduceRight": 1}
_CALLBACKS = frozenset(
    {
        "every",
        "filter",
        "find",
        "findIndex",
        "findLast",
        "findLastIndex",
        "flatMap",
        "forEach",
        "map",
        "some",
        "reduce",
        "reduceRight",
    }
)
_COLLECTION_WRITERS = frozenset({"set", "add", "delete", "clear"})
_URL_WRITERS = frozenset({"set", "append", "delete", "sort"})
# Names that change the object they are called on, whatever it is.
WELL_KNOWN_WRITERS = ARRAY_WRITERS | _COLLECTION_WRITERS | {"append", "next"}
_STORING = frozenset({"push", "unshift", "splice", "set", "add", "fill", "append"})
_STORED_COPIES = frozenset({"concat", "with", "toSpliced"})
_READING = frozenset(
    {
        "includes",
        "indexOf",
        "lastIndexOf",
        "startsWith",
        "endsWith",
        "localeCompare",
        "has",
        "get",
        "test",
        "exec",
        "match",
        "matchAll",
        "search",
        "replace",
        "replaceAll",
        "split",
        "join",
        "at",
    }
)
_OBJECT_METHODS = frozenset(
    {
        "hasOwnProperty",
        "toString",
        "valueOf",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "toLocaleString",
    }
)
# Built-in functions that change their first argument.
_WRITERS = {
    "Object": frozenset(
        {
            "assign",
            "defineProperty",
            "defineProperties",
            "setPrototypeOf",
            "freeze",
            "seal",
            "preventExtensions",
        }
    ),
    "Reflect": frozenset(
        {
            "set",
            "defineProperty",
            "deleteProperty",
            "setPrototypeOf",
            "preventExtensions",
        }
    ),
}
# Built-in functions whose result holds what they are given.
_HOLDING = {
    "Object": frozenset(
        {
            "values",
            "entries",
            "fromEntries",
            "getOwnPropertyDescriptor",
            "getOwnPropertyDescriptors",
            "create",
            "groupBy",
        }
    ),
    "Array": frozenset({"from", "of"}),
    "Promise": frozenset({"resolve", "all", "allSettled", "any", "race"}),
    "Reflect": frozenset({"get", "apply", "construct", "getOwnPropertyDescriptor"}),
    "Map": frozenset({"groupBy"}),
}
_HOLDING_CONSTRUCTORS = frozenset(
    {"Map", "Set", "WeakMap", "WeakSet", "Array", "Promise", "WeakRef", "Proxy"}
)
_HOLDING_GLOBALS = frozenset({"h", "Fragment"})
_BINDERS = frozenset({"call", "apply", "bind"})
_LOGICAL = frozenset({"&&", "||", "??"})
_STEP_LIMIT = 20000
_JSX_TAGS = frozenset(
    {"jsx_opening_element", "jsx_closing_element", "jsx_self_closing_element"}
)


@dataclass(frozen=True)
class Use:
    """One place a shared value (or something holding it) is, per request."""

    node: Node
    shape: Shape
    certain: bool  # the path from the shared value is exact
    what: str  # the shared value, for people: "module-level cache"


class Tracker:
    """Follows uses of shared values in one module and records what they do."""

    def __init__(
        self,
        unit: Unit,
        findings: Findings,
        lifetimes: Lifetimes,
        shapes: Shapes,
        request_functions: set[int],
    ) -> None:
        self.unit = unit
        self.findings = findings
        self.lifetimes = lifetimes
        self.shapes = shapes
        self.request_functions = request_functions
        self._work: list[Use] = []
        self._seen: set[tuple[int, str, bool, str]] = set()
        self._steps = 0

    def follow(self, node: Node, shape: Shape, certain: bool, what: str) -> None:
        """Queue one use; each node is followed once per shape and certainty."""
        if shape.is_inert:
            return
        key = (node.id, shape.kind, certain, what)
        if key in self._seen:
            return
        self._seen.add(key)
        self._work.append(Use(node, shape, certain, what))

    def run(self) -> None:
        while self._work:
            use = self._work.pop()
            self._steps += 1
            if self._steps > _STEP_LIMIT:
                self._undecided(use, "the analysis stopped following shared values")
                return
            self._use(use)

    # Findings ------------------------------------------------------------------

    def _write(self, use: Use, node: Node, how: str = "changes") -> None:
        if use.certain:
            self.findings.violates(
                self.unit,
                node,
                "stateIsolated",
                f"a request {how} {use.what}: requests share that state",
            )
        else:
            self.findings.undecided(
                self.unit,
                node,
                "stateIsolated",
                f"a request may change {use.what}, which outlives it",
            )

    def _undecided(self, use: Use, why: str, node: Node | None = None) -> None:
        self.findings.undecided(
            self.unit, node or use.node, "stateIsolated", f"{use.what}: {why}"
        )

    def _on(self, use: Use, node: Node, shape: Shape) -> None:
        self.follow(node, shape, use.certain, use.what)

    # One use ---------------------------------------------------------------------

    def _use(self, use: Use) -> None:
        node = use.node
        if node.type == "identifier" and is_assigned(node):
            return  # the name is rebound, the value untouched (see bindings)
        used = outer(node)
        parent = used.parent
        if parent is None:
            return
        kind = parent.type

        if kind in ("member_expression", "subscript_expression"):
            if parent.child_by_field_name("object") == used:
                self._member(use, parent)
            return
        if kind == "call_expression":
            # Calling a shared function: what it writes is judged where that
            # code is (a closure's variables by lifetimes, its `this` is
            # undefined when called plainly).
            return
        if kind in _JSX_TAGS and parent.child_by_field_name("name") == used:
            return  # rendering a component is calling it
        if kind == "new_expression":
            if use.shape.kind not in (FUNCTION, GLOBAL):
                self._undecided(use, "constructed from where the analysis cannot see")
            return
        if kind == "arguments":
            self._argument(use, parent, used)
            return
        if kind in _PASSING or (
            kind == "ternary_expression" and _is_branch(parent, used)
        ):
            self._on(use, parent, use.shape)
            return
        if kind == "binary_expression":
            operator = parent.child_by_field_name("operator")
            if operator is not None and operator.type in _LOGICAL:
                self._on(use, parent, use.shape)
            return
        if kind == "sequence_expression":
            if parent.named_children and parent.named_children[-1] == used:
                self._on(use, parent, use.shape)
            return
        if kind in ("pair", "array", "object", "jsx_expression"):
            self._held(use, parent)
            return
        if kind == "spread_element":
            self._spread(use, parent)
            return
        if kind == "variable_declarator":
            if parent.child_by_field_name("value") == used:
                self._bound(use, parent.child_by_field_name("name"), use.shape)
            return
        if kind in ("assignment_expression", "augmented_assignment_expression"):
            self._assigned(use, parent, used)
            return
        if kind == "return_statement" or (
            kind == "arrow_function" and parent.child_by_field_name("body") == used
        ):
            self._returned(use, _owner(parent) if kind != "arrow_function" else parent)
            return
        if kind == "for_in_statement":
            if parent.child_by_field_name("right") == used and _is_for_of(parent):
                self._iterated(use, parent, parent.child_by_field_name("left"))
            return
        if kind in ("yield_expression", "throw_statement"):
            self._undecided(
                use, "handed on where the analysis cannot follow it", parent
            )
            return
        if kind in _STOPS:
            return
        self._undecided(use, "used in a way the analysis cannot follow", parent)

    def _member(self, use: Use, member: Node) -> None:
        """`value.x`: a write, a method call, or a read giving a part of it."""
        name = self.shapes.member_name(member)
        top = outer(member)
        if is_write_target(top):
            if use.shape.kind != HOLDER:
                self._write(use, top.parent or top)
            return
        above = top.parent
        if (
            above is not None
            and above.type == "call_expression"
            and above.child_by_field_name("function") == top
        ):
            self._method(use, name, above)
            return
        self._getter(use, name, member)
        if use.shape.kind == GLOBAL and name in ("prototype", "__proto__"):
            self._on(use, member, use.shape)
            return
        self._on(use, member, self.shapes.member(use.shape, name))

    def _getter(self, use: Use, name: str | None, member: Node) -> None:
        """Reading a property may run a getter, with the value as `this`."""
        shape = use.shape
        if shape.kind == OBJECT and shape.node is not None:
            if self.shapes.has_accessor(shape.node, name):
                entries = self.shapes.entries(shape.node)
                if entries is None:
                    self._undecided(use, "a spread may bring a getter", member)
                    return
                for key, entry in entries:
                    if entry.type == "method_definition" and key in (name, None):
                        self._this_of(use, entry, shape)
        elif shape.kind == INSTANCE and shape.node is not None and name is not None:
            getter = self.shapes.class_member(shape.node, name, static=False)
            if getter is not None:
                self._this_of(use, getter, shape)

    def _method(self, use: Use, name: str | None, call: Node) -> None:
        """`value.name(...)` with the value as `this`."""
        shape = use.shape
        kind = shape.kind
        if kind == GLOBAL:
            # A built-in's own methods leave it alone, but for the array ones
            # on a prototype (`Array.prototype.push(x)`).
            if name in ARRAY_WRITERS:
                self._write(use, call)
            return
        if kind == ROUTER_MATCH:
            return  # runs a table function with the fresh match as `this`
        if name is None:
            self._undecided(use, "a method chosen at run time is called on it", call)
            return
        if kind == FUNCTION:
            self._function_method(use, name, call)
        elif kind == OBJECT:
            self._object_method(use, name, call)
        elif kind in (ARRAY, HOLDER):
            self._array_method(use, name, call)
        elif kind == COLLECTION:
            self._collection_method(use, name, call)
        elif kind == DATE:
            if name.startswith("set"):
                self._write(use, call)
        elif kind == REGEX:
            if shape.stateful and name in ("exec", "test", "compile"):
                self._write(use, call, "moves the lastIndex of")
        elif kind == URL_LIKE:
            if name in _URL_WRITERS:
                self._write(use, call)
        elif kind == GENERATOR:
            if name in ("next", "return", "throw"):
                self._write(use, call, "moves on")
            else:
                self._undecided(use, f"{name}() is called on a generator", call)
        elif kind == INSTANCE:
            self._instance_method(use, name, call)
        elif name in WELL_KNOWN_WRITERS:
            self._write(use, call)
        else:
            self._undecided(use, f"{name}() is called on it, unseen", call)

    def _function_method(self, use: Use, name: str, call: Node) -> None:
        node = use.shape.node
        if name in _BINDERS or name in _OBJECT_METHODS:
            return
        if node is not None and node.type in ("class_declaration", "class"):
            method = self.shapes.class_member(node, name, static=True)
            if method is not None:
                self._this_of(use, method, use.shape)
                return
        self._undecided(use, f"{name}() is called on it, unseen", call)

    def _object_method(self, use: Use, name: str, call: Node) -> None:
        method = self.shapes.method(use.shape, name)
        if method is not None:
            self._this_of(use, method, use.shape)
            return
        member = self.shapes.member(use.shape, name)
        if name in _OBJECT_METHODS or member.kind == FUNCTION:
            return
        self._undecided(use, f"{name}() is called on it, unseen", call)

    def _array_method(self, use: Use, name: str, call: Node) -> None:
        if use.shape.kind == HOLDER:
            if name in ARRAY_WRITERS or name in _OBJECT_METHODS:
                return  # the holder is fresh: changing it changes nothing shared
            if name not in _ARRAY_ITEMS | _ARRAY_COPIES | _ARRAY_READERS:
                self._undecided(use, f"{name}() is called on what holds it", call)
                return
        elif name in ARRAY_WRITERS:
            self._write(use, call)
            return
        elif name not in _ARRAY_ITEMS | _ARRAY_COPIES | _ARRAY_READERS:
            if name not in _OBJECT_METHODS:
                self._undecided(use, f"{name}() is called on it, unseen", call)
            return

        item = self.shapes.element(use.shape)
        if name in _ARRAY_ITEMS:
            self._on(use, call, item)
        elif name in _ARRAY_COPIES:
            self._on(use, call, use.shape if use.shape.kind == HOLDER else holder(item))
        if name in _CALLBACKS:
            self._callback(use, call, item, _CALLBACK_ITEM.get(name, 0))

    def _collection_method(self, use: Use, name: str, call: Node) -> None:
        if name in _COLLECTION_WRITERS:
            self._write(use, call)
        elif name == "get":
            self._on(use, call, UNKNOWN_SHAPE)
        elif name in ("keys", "values", "entries"):
            self._on(use, call, holder(UNKNOWN_SHAPE))
        elif name == "forEach":
            self._callback(use, call, UNKNOWN_SHAPE, 0)
        elif name not in ("has", "size") and name not in _OBJECT_METHODS:
            self._undecided(use, f"{name}() is called on it, unseen", call)

    def _instance_method(self, use: Use, name: str, call: Node) -> None:
        node = use.shape.node
        method = self.shapes.class_member(node, name, static=False) if node else None
        if method is not None:
            self._this_of(use, method, use.shape)
        elif name not in _OBJECT_METHODS:
            self._undecided(use, f"{name}() is called on it, unseen", call)

    def _callback(self, use: Use, call: Node, item: Shape, index: int) -> None:
        """The callback of `items.map(fn)` gets the items (and the array last)."""
        arguments = callers.call_arguments(call)
        if not arguments:
            return
        function = unwrap(arguments[0])
        found = (
            [function]
            if function.type in FUNCTIONS
            else callers.functions_of(self.unit, function)
        )
        if len(found) != 1:
            if not item.is_inert:
                self._undecided(use, "its items handed to a function unseen", call)
            return
        for binding in _parameters(self.unit, found[0]):
            if binding.index == index:
                self._bound_binding(use, binding, item)
            elif binding.index == index + 2:
                self._bound_binding(use, binding, use.shape)
            elif index == 1 and binding.index == 0:
                self._bound_binding(use, binding, UNKNOWN_SHAPE)

    def _this_of(self, use: Use, function: Node, shape: Shape) -> None:
        """The method runs with the value as `this`: follow every `this` in it."""
        for this in this_nodes(function):
            self._on(use, this, shape)

    def _argument(self, use: Use, arguments: Node, used: Node) -> None:
        """The value passed to a call or `new`."""
        call = arguments.parent
        if call is None:
            return
        index = _index(arguments, used)
        if call.type == "new_expression":
            self._constructed_with(use, call, index)
            return
        function = call.child_by_field_name("function")
        if function is None:
            return
        function = unwrap(function)
        if function.type == "identifier":
            self._named_call(use, call, function, index)
        elif function.type == "member_expression":
            self._method_call(use, call, function, index)
        elif not self._callable(use):
            self._undecided(use, "handed to a function the analysis cannot see", call)

    def _callable(self, use: Use) -> bool:
        """A function or built-in handed on as a value: it is called, not changed."""
        return use.shape.kind in (FUNCTION, GLOBAL)

    def _constructed_with(self, use: Use, call: Node, index: int) -> None:
        constructor = call.child_by_field_name("constructor")
        constructor = unwrap(constructor) if constructor is not None else None
        if constructor is None or constructor.type != "identifier":
            self._undecided(use, "handed to a constructor unseen", call)
            return
        binding = self.unit.scopes.binding(constructor)
        name = self.unit.name_of(constructor)
        if binding is None and name in _HOLDING_CONSTRUCTORS:
            self._on(use, call, holder(use.shape))
        elif binding is None and name in ("Response", "URL", "URLSearchParams", "Date"):
            return
        elif binding is not None and binding.kind == "class" and binding.value:
            method = self.shapes.class_member(
                binding.value, "constructor", static=False
            )
            if method is None:
                return
            self._into_parameter(use, method, index, call)
        else:
            self._undecided(use, "handed to a constructor unseen", call)

    def _named_call(self, use: Use, call: Node, function: Node, index: int) -> None:
        binding = self.unit.scopes.binding(function)
        if binding is None:
            name = self.unit.name_of(function)
            if name in _HOLDING_GLOBALS:
                self._on(use, call, holder(use.shape))
            return  # a built-in function reads what it is given
        if binding.import_target is not None and binding.import_target.startswith(
            "zigttp:"
        ):
            if binding.import_target == "zigttp:router" and index == 0:
                table = callers.call_arguments(call)[0]
                self._on(use, call, Shape(ROUTER_MATCH, table))
            return
        found = callers.functions_of(self.unit, function)
        if len(found) == 1 and callers.direct_calls(self.unit, found[0]) is not None:
            self._into_parameter(use, found[0], index, call)
            return
        if not self._callable(use):
            self._undecided(
                use, "handed to a function the analysis cannot follow", call
            )

    def _method_call(self, use: Use, call: Node, member: Node, index: int) -> None:
        target = member.child_by_field_name("object")
        name = self.shapes.member_name(member)
        if target is None:
            return
        target = unwrap(target)
        namespace = self.unit.name_of(target) if target.type == "identifier" else None
        binding = self.unit.scopes.binding(target) if namespace is not None else None

        if namespace is not None and binding is None:
            if name in _WRITERS.get(namespace, ()):
                if index == 0:
                    self._write(use, call)
                else:
                    self._on(use, call, holder(self.shapes.contents(use.shape)))
            elif name in _HOLDING.get(namespace, ()):
                self._on(use, call, holder(use.shape))
            return  # other built-ins read what they are given
        if binding is not None and binding.imported == "*":
            if not (binding.import_target or "").startswith("zigttp:"):
                self._undecided(use, "handed to another module's function", call)
            return
        if name in _BINDERS:
            self._bound_call(use, call, member, name, index)
            return
        if name in _STORING or name in _STORED_COPIES:
            self._stored(use, call, target, name)
            return
        if name in _READING or self._callable(use):
            return
        self._undecided(use, f"handed to {name}(), unseen", call)

    def _bound_call(
        self, use: Use, call: Node, member: Node, name: str, index: int
    ) -> None:
        """`f.call(value)`, `Array.prototype.push.call(value, x)`."""
        function = member.child_by_field_name("object")
        inner = unwrap(function) if function is not None else None
        called = (
            self.shapes.member_name(inner)
            if inner is not None and inner.type == "member_expression"
            else None
        )
        if index == 0 and called in WELL_KNOWN_WRITERS:
            self._write(use, call)
        elif self._callable(use) or (
            inner is not None and _rooted_in_global(self.unit, inner)
        ):
            return
        else:
            self._undecided(use, f"handed to {name}() of a function unseen", call)

    def _stored(self, use: Use, call: Node, target: Node, name: str) -> None:
        """`list.push(value)`: the list now holds it."""
        if name in _STORED_COPIES:
            self._on(use, call, holder(use.shape))
        root = _root(target)
        if root.type == "identifier":
            binding = self.unit.scopes.binding(root)
            if binding is not None and not self.lifetimes.outlives_a_request(binding):
                self._bound_binding(use, binding, holder(use.shape))
                return
            if binding is not None:
                return  # stored in a shared value: a write seen on that value
        self._undecided(use, f"stored with {name}() where it is not followed", call)

    def _into_parameter(self, use: Use, function: Node, index: int, call: Node) -> None:
        """One of the module's own functions gets the value as a parameter."""
        parameters = _parameters(self.unit, function)
        matched = [binding for binding in parameters if binding.index == index]
        if not matched:
            if _uses_arguments(function):
                self._undecided(use, "read through `arguments`", call)
            return
        for binding in matched:
            self._bound_binding(use, binding, use.shape)

    def _held(self, use: Use, parent: Node) -> None:
        """Put in an object, an array or a JSX element: follow what holds it."""
        container = parent.parent if parent.type == "pair" else parent
        if parent.type == "jsx_expression":
            container = _jsx_element(parent)
        if container is None:
            return
        self._on(use, container, holder(use.shape))

    def _spread(self, use: Use, spread: Node) -> None:
        container = spread.parent
        if container is None:
            return
        if container.type == "arguments":
            self._undecided(use, "spread into a call", spread)
        elif container.type == "array":
            self._iterated(use, spread, None)
            self._on(use, container, holder(self.shapes.element(use.shape)))
        else:
            self._on(use, container, holder(self.shapes.contents(use.shape)))

    def _bound(self, use: Use, pattern: Node | None, shape: Shape) -> None:
        """`const s = value`, `const { items } = value`, `const [a] = value`."""
        if pattern is None:
            return
        pattern = unwrap(pattern)
        if pattern.type == "array_pattern":
            self._iterated(use, pattern, None)
        for identifier, keys in pattern_names(pattern):
            binding = self.unit.scopes.binding(identifier)
            if binding is None:
                continue
            part = shape
            for key in keys:
                part = (
                    self.shapes.element(part)
                    if key == "[]"
                    else self.shapes.member(part, None if key in ("?", "...") else key)
                )
            self._bound_binding(use, binding, part)

    def _bound_binding(self, use: Use, binding: Binding, shape: Shape) -> None:
        if self.lifetimes.outlives_a_request(binding) and binding.is_module_level:
            return  # a module-level name: followed as shared state on its own
        for reference in binding.references:
            self._on(use, reference, shape)

    def _assigned(self, use: Use, assignment: Node, used: Node) -> None:
        if assignment.child_by_field_name("right") != used:
            return
        operator = assignment.child_by_field_name("operator")
        if assignment.type == "augmented_assignment_expression" and (
            operator is None or operator.type not in ("||=", "&&=", "??=")
        ):
            return
        self._on(use, assignment, use.shape)
        left = assignment.child_by_field_name("left")
        left = unwrap(left) if left is not None else None
        if left is None:
            return
        if left.type in ("identifier", "object_pattern", "array_pattern"):
            self._bound(use, left, use.shape)
            return
        root = _root(left)
        binding = self.unit.scopes.binding(root) if root.type == "identifier" else None
        if binding is None:
            self._undecided(use, "stored where the analysis cannot follow it", left)
        elif not self.lifetimes.outlives_a_request(binding):
            self._bound_binding(use, binding, holder(use.shape))

    def _returned(self, use: Use, function: Node | None) -> None:
        if function is None:
            return
        if function.id in self.request_functions:
            return  # the runtime takes what the handler answers
        call = _callback_call(self.unit, function)
        if call is not None:
            self._on(use, call, holder(use.shape))
            return
        calls = callers.direct_calls(self.unit, function)
        if calls is None:
            calls = _component_calls(self.unit, function)
        if calls is None:
            self._undecided(use, "returned by a function called from where unseen")
            return
        for each in calls:
            self._on(use, each, use.shape)

    def _iterated(self, use: Use, where: Node, left: Node | None) -> None:
        """`for (x of value)`, `[...value]`, `const [a] = value`."""
        kind = use.shape.kind
        if kind == GENERATOR:
            self._write(use, where, "moves on")
            return
        if kind not in (ARRAY, HOLDER, COLLECTION, URL_LIKE) and not use.shape.is_inert:
            self._undecided(use, "iterated: a shared iterator would move on", where)
            return
        if left is not None:
            self._bound(use, left, self.shapes.element(use.shape))


# Where values pass through unchanged, and where they stop.
_PASSING = frozenset(
    {
        "await_expression",
        "non_null_expression",
        "as_expression",
        "satisfies_expression",
        "parenthesized_expression",
    }
)
_STOPS = frozenset(
    {
        "expression_statement",
        "unary_expression",
        "update_expression",
        "template_substitution",
        "if_statement",
        "while_statement",
        "do_statement",
        "for_statement",
        "switch_statement",
        "switch_case",
        "ternary_expression",
        "export_statement",
        "export_specifier",
        "computed_property_name",
    }
)


def this_nodes(function: Node) -> list[Node]:
    """Every `this` a function's own body refers to (arrows share theirs)."""
    found: list[Node] = []
    stack = list(function.children)
    while stack:
        node = stack.pop()
        if node.type == "this":
            found.append(node)
        elif node.type in FUNCTIONS and node.type != "arrow_function":
            continue
        stack.extend(node.children)
    return found


def _parameters(unit: Unit, function: Node) -> list[Binding]:
    return [
        binding
        for binding in unit.scopes.bindings
        if binding.kind == "parameter" and binding.function == function
    ]


def _uses_arguments(function: Node) -> bool:
    return any(
        node.type == "identifier" and node.text == b"arguments"
        for node in walk(function)
    )


def _is_branch(ternary: Node, used: Node) -> bool:
    return ternary.child_by_field_name("condition") != used


def _is_for_of(loop: Node) -> bool:
    return any(child.type == "of" for child in loop.children)


def _index(arguments: Node, used: Node) -> int:
    items = [child for child in arguments.named_children if child.type != "comment"]
    return items.index(used) if used in items else 0


def _owner(node: Node) -> Node | None:
    current = node.parent
    while current is not None and current.type not in FUNCTIONS:
        current = current.parent
    return current


def _root(member: Node) -> Node:
    """`a` of `a.b[c].d`."""
    current = unwrap(member)
    while current.type in ("member_expression", "subscript_expression"):
        target = current.child_by_field_name("object")
        if target is None:
            break
        current = unwrap(target)
    return current


def _rooted_in_global(unit: Unit, member: Node) -> bool:
    root = _root(member)
    return root.type == "identifier" and unit.scopes.binding(root) is None


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
        if parent is None or parent.type not in _JSX_TAGS:
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
