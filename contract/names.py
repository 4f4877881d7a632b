"""Names and literal text as JavaScript reads them, with every escape decoded.

JavaScript lets an identifier spell any of its characters as `\\u0065` or
`\\u{65}`: `\\u0065val` is `eval`, `E.\\u0065nv` is `E.env`. Every name the
analysis compares (bindings, references, members, keys, imports) goes through
`identifier`, so an escaped spelling is the same name as the plain one.
String literals decode the same way through `literal_text`; a lone UTF-16
surrogate stays in the text as it is (never replaced), so callers can tell
that no UTF-8 document can carry the value.
"""

from __future__ import annotations

import re

from .syntax import Node

# Node kinds whose text is a name.
IDENTIFIERS = frozenset(
    {
        "identifier",
        "property_identifier",
        "shorthand_property_identifier",
        "shorthand_property_identifier_pattern",
        "private_property_identifier",
        "statement_identifier",
        "type_identifier",
    }
)

_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "0": "\0",
}
_LINE_CONTINUATION = re.compile(r"\\(\r\n|\n|\r|\u2028|\u2029)")
_IDENTIFIER_ESCAPE = re.compile(r"\\u(?:\{([0-9a-fA-F]+)\}|([0-9a-fA-F]{4}))")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def identifier(node: Node) -> str:
    """The name an identifier-like node stands for, escapes decoded."""
    return decode_identifier(raw(node))


def decode_identifier(text: str) -> str:
    """`\\u0065val` → `eval`; text without escapes comes back unchanged."""
    if "\\" not in text:
        return text
    return _IDENTIFIER_ESCAPE.sub(_identifier_character, text)


def raw(node: Node) -> str:
    """The node's source text exactly as written."""
    return (node.text or b"").decode("utf-8")


def literal_text(node: Node) -> str:
    """The value of a string literal or a substitution-free template.

    Surrogate pairs written as two escapes join into one character; a lone
    surrogate is kept (see has_lone_surrogate).
    """
    return paired("".join(piece(child) for child in node.named_children))


def piece(child: Node) -> str:
    """One part of a string or template: a fragment or an escape sequence."""
    text = raw(child)
    if child.type == "escape_sequence":
        return decode_escape(text)
    if child.type == "string_fragment":
        return _LINE_CONTINUATION.sub("", text)
    return ""


def paired(text: str) -> str:
    """Join UTF-16 surrogate escapes (`\\uD83D\\uDE00`) into their characters."""
    if not _LONE_SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode(
        "utf-16-le", "surrogatepass"
    )


def has_lone_surrogate(text: str) -> bool:
    """True when the text holds a surrogate no pair completes: such a string has
    no UTF-8 form, so the contract cannot name it."""
    return _LONE_SURROGATE.search(text) is not None


def decode_escape(escape: str) -> str:
    """One JavaScript escape sequence (`\\n`, `\\x41`, `\\u{1F600}`) as text."""
    body = escape[1:]
    if not body or body[0] in "\r\n\u2028\u2029":
        return ""
    if body in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[body]
    if body[0] == "x" and len(body) == 3:
        return chr(int(body[1:], 16))
    if body[0] == "u":
        digits = body[2:-1] if body[1:2] == "{" else body[1:]
        code = int(digits, 16)
        return chr(code) if code <= 0x10FFFF else "\ufffd"
    return body


def _identifier_character(match: re.Match[str]) -> str:
    digits = match.group(1) or match.group(2)
    code = int(digits, 16)
    return chr(code) if code <= 0x10FFFF else "\ufffd"
