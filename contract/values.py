"""Values the analysis can know without running code: literal strings and consts."""

from __future__ import annotations

from .names import IDENTIFIERS, has_lone_surrogate, identifier, literal_text, paired
from .names import piece as literal_piece
from .scopes import Scopes
from .syntax import Node
from .wrapping import unwrap

_CONST_CHAIN_LIMIT = 16


def static_string(node: Node | None, scopes: Scopes, depth: int = 0) -> str | None:
    """The string an expression always evaluates to, or None when it is not known.

    Known: string literals and templates, identifiers bound by `const` (in any
    enclosing scope, shadowing respected), and `+` or `${}` joining known strings.
    Joining only literal pieces is constant folding: the result is as certain as
    the pieces, so `"https://" + HOST` with `const HOST = "api.example.com"`
    proves the host, while any piece that is not known leaves the whole unknown.
    A string holding a lone UTF-16 surrogate is not known either: the contract
    is UTF-8 and cannot name it, and writing U+FFFD instead would name another
    string than the one the handler uses.
    """
    pieces = _pieces(node, scopes, depth)
    if pieces is None or not all(isinstance(piece, str) for piece in pieces):
        return None
    text = paired("".join(str(piece) for piece in pieces))
    return None if has_lone_surrogate(text) else text


def string_prefix(node: Node | None, scopes: Scopes) -> str | None:
    """The known start of a string expression (`https://api.example.com/` + id)."""
    pieces = _pieces(node, scopes, 0)
    if pieces is None:
        return None
    known: list[str] = []
    for piece in pieces:
        if not isinstance(piece, str):
            break
        known.append(piece)
    text = paired("".join(known))
    return None if has_lone_surrogate(text) else text


def key_name(key: Node | None, scopes: Scopes) -> str | None:
    """The property name a key or member node stands for; None when not known.

    `method`, `m\\u0065thod`, `"method"` and `["method"]` all name `method`; a
    number key names its canonical digits; a private name (`#x`) is never a
    property a caller can reach, so it names nothing.
    """
    if key is None:
        return None
    if key.type == "computed_property_name":
        inner = [child for child in key.named_children if child.type != "comment"]
        return static_string(inner[0], scopes) if len(inner) == 1 else None
    if key.type == "private_property_identifier":
        return None
    if key.type in IDENTIFIERS:
        return identifier(key)
    if key.type == "string":
        text = literal_text(key)
        return None if has_lone_surrogate(text) else text
    if key.type == "number":
        return _number_key(identifier(key))
    return None


def is_string(node: Node | None, scopes: Scopes) -> bool:
    """True for expressions that can only give a string: literals, templates, `+`
    with a string literal among its operands, or a const bound to one of those."""
    value = const_value(node, scopes)
    if value is None:
        return False
    if value.type in ("string", "template_string"):
        return True
    operands = _concatenated(value)
    return operands is not None and any(
        is_string(operand, scopes) for operand in operands
    )


class _Unknown:
    """A piece of a string expression whose value is not known."""


_UNKNOWN = _Unknown()


def _pieces(
    node: Node | None, scopes: Scopes, depth: int
) -> list[str | _Unknown] | None:
    """The expression as known strings and unknown pieces; None if not a string."""
    if node is None or depth > _CONST_CHAIN_LIMIT:
        return None
    node = unwrap(node)

    if node.type == "string":
        return [literal_text(node)]
    if node.type == "template_string":
        pieces: list[str | _Unknown] = []
        for child in node.named_children:
            if child.type == "template_substitution":
                inner = child.named_children[0] if child.named_children else None
                found = _pieces(inner, scopes, depth + 1)
                pieces += found if found is not None else [_UNKNOWN]
            else:
                pieces.append(literal_piece(child))
        return pieces
    if node.type == "binary_expression":
        operands = _concatenated(node)
        if operands is None:
            return None
        joined: list[str | _Unknown] = []
        for operand in operands:
            joined += _pieces(operand, scopes, depth + 1) or [_UNKNOWN]
        return joined
    if node.type in ("identifier", "shorthand_property_identifier"):
        binding = scopes.binding(node)
        if binding is None or not binding.is_plain_const or binding.assignments:
            return [_UNKNOWN]
        return _pieces(binding.value, scopes, depth + 1) or [_UNKNOWN]
    return [_UNKNOWN]


def _concatenated(node: Node) -> list[Node] | None:
    """The operands of `a + b + c`, walked down the left spine without recursion."""
    if not _is_concatenation(node):
        return None
    operands: list[Node] = []
    current = node
    while _is_concatenation(current):
        left = current.child_by_field_name("left")
        right = current.child_by_field_name("right")
        assert left is not None and right is not None
        operands.append(right)
        current = unwrap(left)
    operands.append(current)
    return operands[::-1]


def _is_concatenation(node: Node) -> bool:
    operator = node.child_by_field_name("operator")
    return (
        node.type == "binary_expression"
        and operator is not None
        and operator.type == "+"
        and node.child_by_field_name("left") is not None
        and node.child_by_field_name("right") is not None
    )


def _number_key(text: str) -> str | None:
    """`1`, `0x1` and `1.0` all name the property "1"; others are not followed."""
    cleaned = text.replace("_", "")
    try:
        if cleaned[:2].lower() in ("0x", "0o", "0b"):
            return str(int(cleaned, 0))
        number = float(cleaned)
    except ValueError:
        return None
    return str(int(number)) if number.is_integer() and abs(number) < 1e21 else None


def const_value(node: Node | None, scopes: Scopes, depth: int = 0) -> Node | None:
    """The expression behind a name bound by `const`; other nodes as they are."""
    if node is None or depth > _CONST_CHAIN_LIMIT:
        return None
    node = unwrap(node)
    if node.type != "identifier":
        return node

    binding = scopes.binding(node)
    if binding is None or not binding.is_plain_const or binding.value is None:
        return node
    return const_value(binding.value, scopes, depth + 1)


def quoted(text: str, limit: int = 40) -> str:
    """A string for a one-line message: quoted, cut short, unprintables escaped."""
    short = text if len(text) <= limit else text[:limit] + "..."
    escaped = short.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(_printable(character) for character in escaped) + '"'


def _printable(character: str) -> str:
    """The character itself, or its JavaScript escape when a terminal would not
    show it as one character (control, format and unassigned code points)."""
    if character.isprintable():
        return character
    code = ord(character)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\u{{{code:x}}}"


def literal_fields(item: Node | None, scopes: Scopes) -> dict[str, str | None] | None:
    """The fields of an object literal: each name with its known string, or None
    when it is not one (nor when any entry of that name is not). None for the
    whole item when it is not an object literal or an entry could hide a field:
    a spread, a getter or method, a computed key, `__proto__`."""
    if item is None or item.type != "object":
        return None
    fields: dict[str, str | None] = {}
    for entry in item.named_children:
        if entry.type == "comment":
            continue
        if entry.type not in ("pair", "shorthand_property_identifier"):
            return None
        key = entry.child_by_field_name("key") if entry.type == "pair" else entry
        name = key_name(key, scopes)
        if name is None or (name == "__proto__" and entry.type == "pair"):
            return None
        value = entry.child_by_field_name("value") if entry.type == "pair" else entry
        known = static_string(value, scopes)
        fields[name] = None if name in fields and fields[name] is None else known
    return fields
