"""injectionSafe, best effort: does request data reach HTML or a fetch URL unescaped?

The sinks are Response.html(...); `new Response(body, init)`,
Response.text(...) and Response.json(...) whose literal headers declare an
HTML content type; the `__html` of dangerouslySetInnerHTML; a JSX tag named
by a variable; and every fetch URL. taint.py says how far request data
reaches what each is given. A Response the analysis cannot read (used as a
value, or built with headers that are not a literal) leaves the property
undecided when it is given data that is not safe.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import callers
from .expressions import global_method, is_typeof
from .findings import Findings, Unit
from .syntax import Node, walk
from .taint import TAINTED, UNKNOWN, TaintContext, is_safe, taint_of
from .wrapping import outer, unwrap

HTML, URL = "html", "url"

_RESPONSE_FACTORIES = frozenset({"json", "text", "html", "redirect"})
# Factories whose content type an init's headers may change to HTML.
_BODY_FACTORIES = frozenset({"json", "text"})


def collect(
    units: list[Unit], findings: Findings, fetch_urls: Iterable[tuple[Unit, Node, Node]]
) -> None:
    """Check every Response.html(...) and fetch URL for request data."""
    context = TaintContext(callers.request_functions(units))

    for unit in units:
        for call, content, where in [*_html_sinks(unit), *_jsx_sinks(unit)]:
            _judge(context, unit, findings, call, content, HTML, where)
        _hidden_sinks(context, unit, findings)
    for unit, call, url in fetch_urls:
        _judge(context, unit, findings, call, url, URL, "a fetch URL")


def _judge(
    context: TaintContext,
    unit: Unit,
    findings: Findings,
    call: Node,
    value: Node,
    sink: str,
    where: str,
) -> None:
    """Judge what reaches one sink (HTML or URL); `where` names it for people."""
    taint = taint_of(context, unit, value, sink, 0)
    if taint == TAINTED:
        cleaner = "escapeHtml()" if sink == HTML else "encodeURIComponent()"
        findings.violates(
            unit,
            call,
            "injectionSafe",
            f"request data reaches {where} without {cleaner}",
        )
    elif taint == UNKNOWN:
        findings.undecided(
            unit,
            call,
            "injectionSafe",
            f"{where} gets a value the analysis cannot trace",
        )


def _html_sinks(unit: Unit) -> Iterable[tuple[Node, Node, str]]:
    for node in walk(unit.tree.root_node):
        if node.type == "call_expression":
            factory = global_method(unit, node, "Response")
            if factory is None:
                continue
            arguments = callers.call_arguments(node)
            if factory == "html" and arguments:
                yield node, arguments[0], "Response.html()"
            elif (
                factory in _BODY_FACTORIES
                and len(arguments) > 1
                and _declares_html(unit, arguments[1])
            ):
                yield node, arguments[0], f"Response.{factory}() declared as HTML"
        elif node.type == "new_expression":
            constructor = node.child_by_field_name("constructor")
            arguments = callers.call_arguments(node)
            if (
                constructor is not None
                and unit.scopes.is_global(constructor, "Response")
                and len(arguments) > 1
                and _declares_html(unit, arguments[1])
            ):
                yield node, arguments[0], "an HTML Response"


def _jsx_sinks(unit: Unit) -> Iterable[tuple[Node, Node, str]]:
    """JSX escapes text and attribute values, except in two places: the
    `__html` of dangerouslySetInnerHTML, and a tag named by a variable, which
    could make text into a <script> or <style> body."""
    for node in walk(unit.tree.root_node):
        if node.type == "jsx_attribute":
            name, value = node.named_children[0], node.named_children[-1]
            if (
                unit.name_of(name) == "dangerouslySetInnerHTML"
                and value != name
                and value.type == "jsx_expression"
                and value.named_children
            ):
                yield node, value.named_children[0], "dangerouslySetInnerHTML"
        elif node.type in ("jsx_opening_element", "jsx_self_closing_element"):
            tag = node.child_by_field_name("name")
            if tag is not None and _names_a_variable(unit, tag):
                yield node, tag, "a JSX tag chosen at run time"


def _names_a_variable(unit: Unit, tag: Node) -> bool:
    """A tag that is neither an HTML element (`div`) nor a component declared
    as a function, class or import, whose own JSX is judged where it is."""
    if tag.type != "identifier":
        return tag.type == "member_expression"
    binding = unit.scopes.binding(tag)
    if binding is None:
        return False
    return binding.kind not in ("function", "class", "import")


def _hidden_sinks(context: TaintContext, unit: Unit, findings: Findings) -> None:
    """Responses whose kind cannot be read: Response passed around, or `new Response`
    with headers that are not a literal, given data that is not clean."""
    for reference in unit.scopes.globals.get("Response", []):
        used = outer(reference)
        parent = used.parent
        if parent is None or parent.type == "new_expression" or is_typeof(parent):
            continue
        member = parent.child_by_field_name("property")
        call = outer(parent).parent if parent.type == "member_expression" else None
        if (
            member is not None
            and unit.name_of(member) in _RESPONSE_FACTORIES
            and call is not None
            and call.type == "call_expression"
        ):
            continue
        findings.undecided(
            unit,
            used,
            "injectionSafe",
            "Response used as a value: its HTML is not followed",
        )

    for node in walk(unit.tree.root_node):
        arguments = callers.call_arguments(node)
        if (
            _builds_response(unit, node)
            and len(arguments) > 1
            and not _headers_are_literal(unit, arguments[1])
            and not is_safe(taint_of(context, unit, arguments[0], HTML, 0))
        ):
            findings.undecided(
                unit,
                node,
                "injectionSafe",
                "a Response with headers that are not a literal",
            )


def _builds_response(unit: Unit, node: Node) -> bool:
    """`new Response(body, init)`, `Response.text(body, init)` or `.json(...)`."""
    if node.type == "new_expression":
        constructor = node.child_by_field_name("constructor")
        return constructor is not None and unit.scopes.is_global(
            constructor, "Response"
        )
    return global_method(unit, node, "Response") in _BODY_FACTORIES


def _headers_are_literal(unit: Unit, init: Node) -> bool:
    init = unwrap(init)
    if init.type != "object":
        return False
    for entry in init.named_children:
        if entry.type == "comment":
            continue
        if entry.type != "pair":
            return False
        if _key(unit, entry) == "headers":
            headers = entry.child_by_field_name("value")
            if headers is None or unwrap(headers).type != "object":
                return False
    return True


def _declares_html(unit: Unit, init: Node) -> bool:
    init = unwrap(init)
    if init.type != "object":
        return False
    for pair in init.named_children:
        if pair.type != "pair" or _key(unit, pair) != "headers":
            continue
        headers = pair.child_by_field_name("value")
        if headers is None or unwrap(headers).type != "object":
            continue
        for header in unwrap(headers).named_children:
            if header.type == "pair" and _key(unit, header).lower() == "content-type":
                value = header.child_by_field_name("value")
                if value is not None and "html" in unit.name_of(value).lower():
                    return True
    return False


def _key(unit: Unit, pair: Node) -> str:
    key = pair.child_by_field_name("key")
    return unit.name_of(key).strip("\"'") if key is not None else ""
