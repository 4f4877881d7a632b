"""Calls of the zigttp virtual modules: env names, egress hosts, cache namespaces.

Every reference to an imported zigttp function is followed. A direct call
with a literal argument proves a value; anything else the analysis cannot
follow (the function passed around, a computed argument, a computed member
of a namespace import, a re-export) makes the category dynamic; hidden_code
covers code reached around the imports (eval, globalThis and the like).
"""

from __future__ import annotations

from dataclasses import dataclass

from zigttp import dotenv

from . import routes
from .findings import Findings, Unit
from .hosts import host_of, host_of_prefix
from .scopes import Binding
from .syntax import Node
from .values import (
    is_string,
    literal_fields,
    quoted,
    static_string,
    string_prefix,
)
from .wrapping import call_of, outer, unwrap


@dataclass(frozen=True)
class Tracked:
    """What calling one virtual module export means for the contract."""

    category: str | None = None  # env, cache, egress, routes
    write: bool = False
    fetch: bool = False
    random: bool = False
    clock: bool = False  # reads the time, so the same call can answer differently


TRACKED: dict[str, dict[str, Tracked]] = {
    "zigttp:env": {"env": Tracked("env")},
    "zigttp:cache": {
        "cacheGet": Tracked("cache"),
        "cacheSet": Tracked("cache", write=True),
        "cacheDelete": Tracked("cache", write=True),
        "cacheIncr": Tracked("cache", write=True),
        "cacheStats": Tracked(),
    },
    "zigttp:fetch": {
        "fetch": Tracked("egress", fetch=True),
        "fetchWithRetry": Tracked("egress", fetch=True),
    },
    "zigttp:router": {"routerMatch": Tracked("routes")},
    "zigttp:auth": {"jwtVerify": Tracked(clock=True)},
    "zigttp:id": {
        "uuid": Tracked(random=True),
        "ulid": Tracked(random=True),
        "nanoid": Tracked(random=True),
    },
}

_READ_METHODS = frozenset({"GET", "HEAD"})


def collect(unit: Unit, findings: Findings) -> None:
    """Record every fact the module's use of zigttp modules proves."""
    for binding in unit.scopes.bindings:
        target = binding.import_target
        if binding.kind != "import" or target not in TRACKED:
            continue
        for reference in binding.references:
            _follow(unit, findings, binding, reference)

    _reexports(unit, findings)


def _reexports(unit: Unit, findings: Findings) -> None:
    """`export { env } from "zigttp:env"`: the importing module's calls are hidden."""
    for statement in unit.tree.root_node.named_children:
        source = statement.child_by_field_name("source")
        if statement.type != "export_statement" or source is None:
            continue
        module = unit.import_targets.get(source.start_byte)
        if module not in TRACKED:
            continue

        names = list(TRACKED[module])
        clause = next(
            (c for c in statement.named_children if c.type == "export_clause"), None
        )
        if clause is not None:
            exported = (
                specifier.child_by_field_name("name")
                for specifier in clause.named_children
            )
            names = [
                unit.name_of(node)
                for node in exported
                if node is not None and unit.name_of(node) in TRACKED[module]
            ]
        for name in names:
            hide(
                unit,
                findings,
                module,
                name,
                statement,
                f"{name} re-exported: calls where it is imported cannot be followed",
            )


def _follow(unit: Unit, findings: Findings, binding: Binding, reference: Node) -> None:
    module = binding.import_target
    assert module is not None

    if binding.imported == "*":
        _namespace_use(unit, findings, module, reference)
        return
    if binding.imported not in TRACKED[module]:
        return
    _function_use(unit, findings, module, binding.imported or "", reference)


def _namespace_use(
    unit: Unit, findings: Findings, module: str, reference: Node
) -> None:
    """`z.env(...)` and `z["env"](...)` are calls of env; other uses hide the calls."""
    used = outer(reference)
    parent = used.parent
    if parent is not None and is_typeof(parent):
        return

    if parent is not None and parent.type == "member_expression":
        member = parent.child_by_field_name("property")
        name = unit.name_of(member) if member is not None else ""
        if name in TRACKED[module]:
            _function_use(unit, findings, module, name, parent)
        return

    if parent is not None and parent.type == "subscript_expression":
        computed = static_string(parent.child_by_field_name("index"), unit.scopes)
        if computed is None:
            _escapes(unit, findings, module, None, parent, "a computed member of")
        elif computed in TRACKED[module]:
            _function_use(unit, findings, module, computed, parent)
        return

    _escapes(unit, findings, module, None, reference, "the namespace of")


def _function_use(
    unit: Unit, findings: Findings, module: str, name: str, reference: Node
) -> None:
    used = outer(reference)
    parent = used.parent
    tracked = TRACKED[module][name]

    if parent is not None and is_typeof(parent):
        return
    call = call_of(used)
    if call is None or arguments_of(call) is None:
        _escapes(unit, findings, module, name, reference, "")
        return

    arguments = arguments_of(call) or []
    if tracked.random:
        findings.violates(
            unit, call, "deterministic", f"{name}() returns a new value on every call"
        )
    if tracked.clock:
        findings.violates(
            unit, call, "deterministic", f"{name}() reads the clock (exp and nbf)"
        )
    if tracked.write:
        findings.violates(unit, call, "readOnly", f"{name}() writes to the cache")

    if tracked.category == "env":
        _named(unit, findings, call, arguments, "env", f"{name}()")
    elif tracked.category == "cache":
        _named(unit, findings, call, arguments, "cache", f"{name}()")
    elif tracked.fetch:
        _fetch(unit, findings, call, arguments, name)
    elif tracked.category == "routes":
        routes.router_table(unit, findings, call, arguments)


def _named(
    unit: Unit,
    findings: Findings,
    call: Node,
    arguments: list[Node],
    category: str,
    what: str,
) -> None:
    value = static_string(arguments[0], unit.scopes) if arguments else None
    if value is None or _spreads(arguments[:1]):
        findings.dynamic(unit, call, category, f"{what} with a computed argument")
        return
    if category == "env" and not dotenv.KEY.fullmatch(value):
        raise unit.source.error(call.start_byte, _bad_env_name(value))
    findings.prove(unit, call, category, value, f"{what} with a constant argument")


def _bad_env_name(name: str) -> str:
    """Why a constant env name cannot come from .env (or, mostly, anywhere)."""
    return (
        f"{quoted(name)} is not an env name .env can define: env names match "
        f"{dotenv.KEY.pattern} (ASCII letters, digits and _, not starting with a "
        "digit)"
    )


def _fetch(
    unit: Unit, findings: Findings, call: Node, arguments: list[Node], name: str
) -> None:
    if arguments and not _spreads(arguments[:1]):
        findings.fetch_urls.append((unit, call, arguments[0]))
    host = (
        egress_host(unit, arguments[0])
        if arguments and not _spreads(arguments)
        else None
    )
    if host is None:
        findings.dynamic(
            unit, call, "egress", f"{name}() of a URL whose host is not constant"
        )
    else:
        findings.prove(unit, call, "egress", host, f"{name}() of a URL with this host")

    # Only a string URL leaves the method to the init; anything else might be a
    # Request that carries its own method.
    default = "GET" if arguments and is_string(arguments[0], unit.scopes) else None
    method = _fetch_method(unit, arguments[1] if len(arguments) > 1 else None, default)
    if method is None:
        findings.undecided(unit, call, "readOnly", f"{name}() with a computed method")
    elif method not in _READ_METHODS:
        findings.violates(unit, call, "readOnly", f"{name}() with method {method}")


def egress_host(unit: Unit, argument: Node) -> str | None:
    """The host a fetch URL always goes to: a known URL, or a known start of one."""
    url = static_string(argument, unit.scopes)
    if url is not None:
        return host_of(url)
    prefix = string_prefix(argument, unit.scopes)
    return host_of_prefix(prefix) if prefix is not None else None


def _fetch_method(unit: Unit, init: Node | None, default: str | None) -> str | None:
    """The method an init object sets, else `default`; None when it is not known.

    Only an init written in place as an object literal of plain entries is
    read: a name bound to an object can be changed before the call
    (`init.method = "POST"`, `Object.assign(init, ...)`), and a spread, a
    getter, a computed key or a `__proto__` entry can supply `method` unseen.
    An inherited `method` comes from Object.prototype, which prototypes.py
    watches for writes.
    """
    if init is None:
        return default
    fields = literal_fields(unwrap(init), unit.scopes)
    if fields is None:
        return None
    if "method" not in fields:
        return default
    method = fields["method"]
    return method.upper() if method is not None else None


def _escapes(
    unit: Unit,
    findings: Findings,
    module: str,
    name: str | None,
    node: Node,
    how: str,
) -> None:
    """A zigttp function used other than by a direct call: its calls are hidden."""
    names = [name] if name is not None else list(TRACKED[module])
    what = f"{how} {module}".strip() if name is None else f"{name} used as a value"
    for each in names:
        hide(
            unit, findings, module, each, node, f"{what}: its calls cannot be followed"
        )


def hide(
    unit: Unit, findings: Findings, module: str, name: str, node: Node, why: str
) -> None:
    """Calls of `name` the analysis cannot see: its category and effects unknown."""
    tracked = TRACKED[module][name]
    if tracked.category is not None:
        findings.dynamic(unit, node, tracked.category, why)
    if tracked.write or tracked.fetch:
        findings.undecided(unit, node, "readOnly", why)
    if tracked.fetch:
        findings.undecided(unit, node, "injectionSafe", why)
    if tracked.random or tracked.clock:
        findings.undecided(unit, node, "deterministic", why)


def arguments_of(call: Node) -> list[Node] | None:
    """A call's arguments; None for a tagged template such as env`NAME`."""
    arguments = call.child_by_field_name("arguments")
    if arguments is None or arguments.type != "arguments":
        return None
    return [child for child in arguments.named_children if child.type != "comment"]


def _spreads(arguments: list[Node]) -> bool:
    return any(argument.type == "spread_element" for argument in arguments)


def is_typeof(node: Node | None) -> bool:
    """`typeof x` reads no value out of x: it is never a use that hides calls."""
    return (
        node is not None
        and node.type == "unary_expression"
        and node.children[0].type == "typeof"
    )
