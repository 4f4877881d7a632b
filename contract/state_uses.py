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
given, except the writers listed in state_builtins.py (Object.assign,
Reflect.set and the like) and the methods that store into their receiver
(push, set, add...); a method named like a built-in one (`get`, `includes`)
only reads; a function handed to other code as a value (`items.map(format)`)
is called, not changed.

The work is split by where a use stands: state_trail.py queues uses and
records findings, this module decides what each use is, state_methods.py
judges methods called on the value, state_passing.py the calls it is handed
to, and state_holders.py the names, containers and returns that hold it.
"""

from __future__ import annotations

from .scopes import enclosing_function
from .shapes import FUNCTION, GLOBAL, HOLDER, INSTANCE, OBJECT
from .state_holders import (
    JSX_TAGS,
    assigned_from,
    bound_to_pattern,
    held_in_container,
    iterated,
    returned_from,
    spread_into,
)
from .state_methods import method_called, this_of
from .state_passing import passed_as_argument
from .state_trail import Trail, Use
from .syntax import Node
from .wrapping import outer
from .write_targets import is_assigned, is_write_target

_LOGICAL = frozenset({"&&", "||", "??"})


class Tracker(Trail):
    """Follows uses of shared values in one module and records what they do."""

    def run(self) -> None:
        for use in self.pending():
            self._use(use)

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
        if kind in JSX_TAGS and parent.child_by_field_name("name") == used:
            return  # rendering a component is calling it
        if kind == "new_expression":
            if use.shape.kind not in (FUNCTION, GLOBAL):
                self.undecided(use, "constructed from where the analysis cannot see")
            return
        if kind == "arguments":
            passed_as_argument(self, use, parent, used)
            return
        if kind in _PASSING or (
            kind == "ternary_expression" and _is_branch(parent, used)
        ):
            self.follow_on(use, parent, use.shape)
            return
        if kind == "binary_expression":
            operator = parent.child_by_field_name("operator")
            if operator is not None and operator.type in _LOGICAL:
                self.follow_on(use, parent, use.shape)
            return
        if kind == "sequence_expression":
            if parent.named_children and parent.named_children[-1] == used:
                self.follow_on(use, parent, use.shape)
            return
        if kind in ("pair", "array", "object", "jsx_expression", "jsx_element"):
            held_in_container(self, use, parent)
            return
        if kind == "spread_element":
            spread_into(self, use, parent)
            return
        if kind == "variable_declarator":
            if parent.child_by_field_name("value") == used:
                bound_to_pattern(
                    self, use, parent.child_by_field_name("name"), use.shape
                )
            return
        if kind in ("assignment_expression", "augmented_assignment_expression"):
            assigned_from(self, use, parent, used)
            return
        if kind == "return_statement" or (
            kind == "arrow_function" and parent.child_by_field_name("body") == used
        ):
            arrow = kind == "arrow_function"
            returned_from(self, use, parent if arrow else enclosing_function(parent))
            return
        if kind == "for_in_statement":
            if parent.child_by_field_name("right") == used and _is_for_of(parent):
                iterated(self, use, parent, parent.child_by_field_name("left"))
            return
        if kind in ("yield_expression", "throw_statement"):
            self.undecided(use, "handed on where the analysis cannot follow it", parent)
            return
        if kind in _STOPS:
            return
        self.undecided(use, "used in a way the analysis cannot follow", parent)

    def _member(self, use: Use, member: Node) -> None:
        """`value.x`: a write, a method call, or a read giving a part of it."""
        name = self.shapes.member_name(member)
        top = outer(member)
        if is_write_target(top):
            if use.shape.kind != HOLDER:
                self.write(use, top.parent or top)
            return
        above = top.parent
        if (
            above is not None
            and above.type == "call_expression"
            and above.child_by_field_name("function") == top
        ):
            method_called(self, use, name, above)
            return
        self._getter(use, name, member)
        if use.shape.kind == GLOBAL and name in ("prototype", "__proto__"):
            self.follow_on(use, member, use.shape)
            return
        self.follow_on(use, member, self.shapes.member(use.shape, name))

    def _getter(self, use: Use, name: str | None, member: Node) -> None:
        """Reading a property may run a getter, with the value as `this`."""
        shape = use.shape
        if shape.kind == OBJECT and shape.node is not None:
            if self.shapes.has_accessor(shape.node, name):
                entries = self.shapes.entries(shape.node)
                if entries is None:
                    self.undecided(use, "a spread may bring a getter", member)
                    return
                for key, entry in entries:
                    if entry.type == "method_definition" and key in (name, None):
                        this_of(self, use, entry, shape)
        elif shape.kind == INSTANCE and shape.node is not None and name is not None:
            getter = self.shapes.class_member(shape.node, name, static=False)
            if getter is not None:
                this_of(self, use, getter, shape)


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


def _is_branch(ternary: Node, used: Node) -> bool:
    return ternary.child_by_field_name("condition") != used


def _is_for_of(loop: Node) -> bool:
    return any(child.type == "of" for child in loop.children)
