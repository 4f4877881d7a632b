"""Code that may change a shared prototype: then no inherited property is known.

Several facts rest on what an object does not have: `fetch(url, {})` sends
GET because the init has no `method`, a route item without `path` uses
`pattern`, an element renders its children because its props have no
`dangerouslySetInnerHTML`. A write to Object.prototype (or any prototype)
gives every such object whatever the write puts there. So wherever a
prototype can be reached, readOnly, injectionSafe and routes are left
undecided, and a function doing it shares that state between requests.

A prototype is reached by naming it: a `prototype` member used other than to
read one of its methods (`Array.prototype.slice.call(x)` only reads), any use
of `__proto__`, `getPrototypeOf`, `setPrototypeOf`, `__defineGetter__` or
`__defineSetter__`, or `Object` and `Reflect` used other than through a member
named in the source. It is also reached through a key computed at run time:
`a[k]` is Object.prototype when k is "__proto__", so a write through a
computed key that is not the last one (`a[k].x = v`, `a[k][j] = v`), or
through a name bound to such a read (`const p = a[k]; p.x = v`), counts as
one. Keys that can only be numbers (`rows[i]` with a counting `i`) and
`for...in` keys (never "__proto__") are safe.

What is still not seen: a value read with a computed key that reaches a
write through a container or another function (`list.push(a[k])`, then
`list[0].x = v`). Such code is unusual; the contract would miss it.
"""

from __future__ import annotations

from .expressions import member_name
from .findings import Findings, Unit
from .scopes import Binding, enclosing_function
from .syntax import Node, walk
from .values import static_string
from .wrapping import outer, unwrap
from .write_targets import is_written_chain

_PROTOTYPE_DOORS = frozenset(
    {
        "__proto__",
        "getPrototypeOf",
        "setPrototypeOf",
        "__defineGetter__",
        "__defineSetter__",
    }
)
_REFLECTIVE_GLOBALS = ("Object", "Reflect")
_READ_ONLY_MEMBERS = frozenset({"call", "apply", "bind", "name", "length"})
_COMPARISONS = frozenset({"===", "!==", "==", "!=", "in", "instanceof"})
_WRITERS = frozenset({"assign", "defineProperty", "defineProperties", "set"})
_ARITHMETIC = frozenset({"-", "*", "/", "%", "**", "|", "&", "^", "<<", ">>", ">>>"})
_MEMBERS = frozenset({"member_expression", "subscript_expression"})
_ASSIGNMENTS = frozenset({"assignment_expression", "augmented_assignment_expression"})


def collect(unit: Unit, findings: Findings) -> None:
    """Record every place where the module may change a prototype."""
    for node in walk(unit.tree.root_node):
        if node.type in _MEMBERS:
            _member(unit, findings, node)

    for binding in unit.scopes.bindings:
        if "?" in binding.key_path and _written_through(unit, binding):
            _reached(
                unit,
                findings,
                binding.node,
                "a write through a value destructured with a computed key can "
                "reach a prototype",
                written=False,
            )

    for name in _REFLECTIVE_GLOBALS:
        for reference in unit.scopes.globals.get(name, []):
            if not _plain_use(unit, reference, name):
                _reached(
                    unit,
                    findings,
                    reference,
                    f"{name} used other than through a named member",
                    written=False,
                )


def _plain_use(unit: Unit, reference: Node, name: str) -> bool:
    """`Object.keys(x)`, `Object(x)`, `new Object()`, `x instanceof Object`."""
    used = outer(reference)
    parent = used.parent
    if parent is None:
        return False
    if parent.type == "member_expression":
        return parent.child_by_field_name("object") == used
    if name == "Reflect":
        return False
    if parent.type == "call_expression":
        return parent.child_by_field_name("function") == used
    if parent.type == "new_expression":
        return True
    if parent.type == "unary_expression":
        return parent.children[0].type == "typeof"
    operator = parent.child_by_field_name("operator")
    return (
        parent.type == "binary_expression"
        and operator is not None
        and operator.type in ("instanceof", "===", "!==")
    )


def _member(unit: Unit, findings: Findings, member: Node) -> None:
    name = member_name(unit, member)
    if name in _PROTOTYPE_DOORS:
        _reached(
            unit,
            findings,
            member,
            f"{name} reaches a prototype",
            written=_written_inside(member),
        )
    elif name == "prototype" and not _only_reads_a_method(unit, member):
        _reached(
            unit,
            findings,
            member,
            "a prototype used other than to read one of its methods",
            written=_written_inside(member),
        )
    elif member.type == "subscript_expression" and _writes_through_computed_key(
        unit, member
    ):
        _reached(
            unit,
            findings,
            member,
            "a write through a key computed at run time can reach a prototype",
            written=False,
        )


def _only_reads_a_method(unit: Unit, prototype: Node) -> bool:
    """`X.prototype.m`, then at most `.call/.apply/.bind`, never written."""
    used = outer(prototype)
    parent = used.parent
    if parent is None:
        return False
    if parent.type == "unary_expression" and parent.children[0].type == "typeof":
        return True
    if parent.type == "binary_expression":
        operator = parent.child_by_field_name("operator")
        return operator is not None and operator.type in _COMPARISONS
    if parent.type not in _MEMBERS or parent.child_by_field_name("object") != used:
        return False
    if member_name(unit, parent) is None or is_written_chain(parent):
        return False

    method = outer(parent)
    above = method.parent
    if above is None:
        return True
    if above.type == "call_expression":
        # `X.prototype.m()` runs m with the prototype itself as `this`.
        return above.child_by_field_name("function") != method
    if above.type in _MEMBERS and above.child_by_field_name("object") == method:
        return member_name(unit, above) in _READ_ONLY_MEMBERS and not (
            is_written_chain(above)
        )
    return True


def _written_inside(member: Node) -> bool:
    """`X.prototype.y = v`: something inside the object `member` gives is written."""
    used = outer(member)
    parent = used.parent
    return (
        parent is not None
        and parent.type in _MEMBERS
        and parent.child_by_field_name("object") == used
        and is_written_chain(parent)
    )


def _writes_through_computed_key(unit: Unit, subscript: Node) -> bool:
    """`a[k].x = v`, `a[k][j] = v`, `Object.assign(a[k], v)`, `p.x = v` with
    `p = a[k]`: a computed key whose result is written through."""
    if _key_is_safe(unit, subscript):
        return False

    used = outer(subscript)
    parent = used.parent
    if parent is None:
        return False
    if parent.type in _MEMBERS and parent.child_by_field_name("object") == used:
        return is_written_chain(parent)
    if _is_writer_target(unit, used):
        return True
    return any(_written_through(unit, binding) for binding in _bound_to(unit, used))


def _key_is_safe(unit: Unit, subscript: Node) -> bool:
    index = subscript.child_by_field_name("index")
    if index is None:
        return False
    if static_string(index, unit.scopes) is not None:
        return True
    return is_numeric(unit, index) or _is_for_in_key(unit, index)


def is_numeric(unit: Unit, node: Node, depth: int = 0) -> bool:
    """Expressions that can only give a number (never the key "__proto__")."""
    node = unwrap(node)
    if depth > 8:
        return False
    if node.type == "number":
        return True
    if node.type == "unary_expression":
        return node.children[0].type in ("-", "+", "~")
    if node.type == "update_expression":
        return True
    if node.type == "binary_expression":
        operator = node.child_by_field_name("operator")
        return operator is not None and operator.type in _ARITHMETIC
    if node.type == "member_expression":
        member = node.child_by_field_name("property")
        return member is not None and unit.name_of(member) == "length"
    if node.type != "identifier":
        return False

    binding = unit.scopes.binding(node)
    if binding is None or binding.key_path or binding.value is None:
        return False
    if binding.kind not in ("const", "let", "var"):
        return False
    if not is_numeric(unit, binding.value, depth + 1):
        return False
    return all(_numeric_assignment(unit, each, depth) for each in binding.assignments)


def _numeric_assignment(unit: Unit, assigned: Node, depth: int) -> bool:
    parent = outer(assigned).parent
    if parent is None:
        return False
    if parent.type == "update_expression":
        return True
    if parent.type not in _ASSIGNMENTS:
        return False
    operator = parent.child_by_field_name("operator")
    if (
        parent.type == "augmented_assignment_expression"
        and operator is not None
        and operator.type.rstrip("=") in _ARITHMETIC
    ):
        return True
    right = parent.child_by_field_name("right")
    return (
        parent.type == "assignment_expression"
        and right is not None
        and is_numeric(unit, right, depth + 1)
    )


def _is_for_in_key(unit: Unit, index: Node) -> bool:
    """A `for (k in o)` variable never changed inside the loop."""
    index = unwrap(index)
    if index.type != "identifier":
        return False
    binding = unit.scopes.binding(index)
    if binding is None or binding.assignments or binding.key_path != ("[]",):
        return False
    declared = binding.node.parent
    while declared is not None and declared.type != "for_in_statement":
        declared = declared.parent
    if declared is None:
        return False
    return any(child.type == "in" for child in declared.children)


def _is_writer_target(unit: Unit, used: Node) -> bool:
    """`Object.assign(x, ...)`, `Reflect.set(x, ...)`: x is the first argument."""
    arguments = used.parent
    call = arguments.parent if arguments is not None else None
    if arguments is None or arguments.type != "arguments" or call is None:
        return False
    first = next((c for c in arguments.named_children if c.type != "comment"), None)
    function = call.child_by_field_name("function")
    if first != used or function is None or function.type not in _MEMBERS:
        return False
    return member_name(unit, function) in _WRITERS


def _bound_to(unit: Unit, used: Node) -> list[Binding]:
    """The name a value is given: `const p = value` or `p = value`."""
    parent = used.parent
    if parent is None:
        return []
    if (
        parent.type == "variable_declarator"
        and parent.child_by_field_name("value") == used
    ):
        target = parent.child_by_field_name("name")
    elif (
        parent.type == "assignment_expression"
        and parent.child_by_field_name("right") == used
    ):
        target = parent.child_by_field_name("left")
    else:
        return []
    if target is None or unwrap(target).type != "identifier":
        return []
    binding = unit.scopes.binding(unwrap(target))
    return [binding] if binding is not None else []


def _written_through(unit: Unit, binding: Binding) -> bool:
    for reference in binding.references:
        used = outer(reference)
        parent = used.parent
        if parent is None:
            continue
        if parent.type in _MEMBERS and parent.child_by_field_name("object") == used:
            if is_written_chain(parent):
                return True
        elif _is_writer_target(unit, used):
            return True
    return False


def _reached(
    unit: Unit, findings: Findings, node: Node, why: str, *, written: bool
) -> None:
    findings.undecided(unit, node, "readOnly", why)
    findings.undecided(unit, node, "injectionSafe", why)
    findings.dynamic(unit, node, "routes", why)
    if enclosing_function(node) is not None:
        if written:
            findings.violates(
                unit, node, "stateIsolated", f"{why}: requests share that state"
            )
        else:
            findings.undecided(unit, node, "stateIsolated", why)
