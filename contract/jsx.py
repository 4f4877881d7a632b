"""JSX compiled to `h(tag, props, ...children)` calls that keep the source lines."""

from __future__ import annotations

import html.entities
import json
import re

from .names import decode_identifier
from .rewrite import Rewriter, Rule
from .syntax import Node

_ENTITY = re.compile(r"&(?:#(\d+)|#[xX]([0-9a-fA-F]+)|([A-Za-z][A-Za-z0-9]*));")
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_TEXT_KINDS = frozenset({"jsx_text", "html_character_reference"})
_TAGS = frozenset({"jsx_opening_element", "jsx_closing_element"})


class _Lines:
    """Output that moves to a given source row before a piece, never back."""

    def __init__(self, row: int) -> None:
        self.parts: list[str] = []
        self.row = row

    def put(self, text: str) -> None:
        self.parts.append(text)
        self.row += text.count("\n")

    def item(self, separator: str, text: str, row: int) -> None:
        """`separator text`, with the line breaks needed to start `text` on `row`."""
        if row > self.row:
            self.parts.append(separator.rstrip() + "\n" * (row - self.row))
            self.row = row
        else:
            self.parts.append(separator)
        self.put(text)

    def close(self, text: str, row: int) -> str:
        if row > self.row:
            self.parts.append("\n" * (row - self.row))
        self.parts.append(text)
        return "".join(self.parts)


def _element(rewriter: Rewriter, node: Node) -> str:
    opening = node if node.type == "jsx_self_closing_element" else node.children[0]
    name = opening.child_by_field_name("name")
    tag = "Fragment" if name is None else _tag(rewriter, name)

    lines = _Lines(node.start_point.row)
    lines.put(f"h({tag}")

    attributes = _attributes(rewriter, opening)
    if attributes:
        for index, (row, text) in enumerate(attributes):
            lines.item(", { " if index == 0 else ", ", text, row)
        lines.put(" }")
    else:
        lines.put(", null")

    if node.type == "jsx_element":
        for row, text in _children(rewriter, node):
            lines.item(", ", text, row)

    return lines.close(")", node.end_point.row)


def _tag(rewriter: Rewriter, name: Node) -> str:
    # Escapes decoded, so the runtime gets the tag the analysis judged.
    text = decode_identifier(rewriter.text(name))
    if name.type == "jsx_namespace_name":
        return json.dumps(text)
    if name.type == "identifier" and (text[0].islower() or "-" in text):
        return json.dumps(text)
    return text


def _attributes(rewriter: Rewriter, opening: Node) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for child in opening.named_children:
        if child.type == "jsx_attribute":
            found.append((child.start_point.row, _attribute(rewriter, child)))
        elif child.type == "jsx_expression":
            spread = _inner(child)
            if spread is not None:
                found.append((child.start_point.row, rewriter.emit(spread)))
    return found


def _attribute(rewriter: Rewriter, node: Node) -> str:
    name, *rest = node.named_children
    key = decode_identifier(rewriter.text(name))
    if name.type == "jsx_namespace_name" or not _IDENTIFIER.fullmatch(key):
        key = json.dumps(key)

    value = rest[0] if rest else None
    if value is None:
        return f"{key}: true"
    if value.type == "string":
        raw = rewriter.text(value)[1:-1]
        return f"{key}: {_string(decode_entities(raw))}"
    if value.type == "jsx_expression":
        inner = _inner(value)
        if inner is None:
            raise rewriter.error(
                value, "JSX attribute value is empty: put an expression in {}"
            )
        return f"{key}: {rewriter.emit(inner)}"
    return f"{key}: {rewriter.emit(value)}"


def _children(rewriter: Rewriter, node: Node) -> list[tuple[int, str]]:
    inner = [child for child in node.children if child.type not in _TAGS]
    pieces: list[tuple[int, str]] = []

    position = node.children[0].end_byte
    for child in inner:
        if child.type in _TEXT_KINDS:
            continue
        pieces += _text_piece(rewriter, position, child.start_byte)
        pieces += _child_piece(rewriter, child)
        position = child.end_byte

    closing = node.children[-1]
    pieces += _text_piece(rewriter, position, closing.start_byte)
    return pieces


def _text_piece(rewriter: Rewriter, start: int, end: int) -> list[tuple[int, str]]:
    raw = rewriter.slice(start, end)
    text = clean_text(decode_entities(raw))
    if not text:
        return []

    leading = len(raw) - len(raw.lstrip())
    row = rewriter.source.location(start + len(raw[:leading].encode("utf-8")))[0] - 1
    return [(row, _string(text))]


def _child_piece(rewriter: Rewriter, child: Node) -> list[tuple[int, str]]:
    if child.type != "jsx_expression":
        return [(child.start_point.row, rewriter.emit(child))]

    inner = _inner(child)
    if inner is None:
        return []
    return [(inner.start_point.row, rewriter.emit(inner))]


def _inner(expression: Node) -> Node | None:
    """The expression inside `{...}`, or None for `{}` and `{/* comment */}`."""
    for child in expression.named_children:
        if child.type != "comment":
            return child
    return None


def clean_text(text: str) -> str:
    """JSX text as React reads it: lines trimmed, blank ones dropped, spaces between."""
    lines = _LINE_BREAK.split(text.replace("\t", " "))
    last_with_content = max(
        (index for index, line in enumerate(lines) if line.strip(" ")), default=-1
    )

    kept: list[str] = []
    for index, line in enumerate(lines):
        if index > 0:
            line = line.lstrip(" ")
        if index < len(lines) - 1:
            line = line.rstrip(" ")
        if not line:
            continue
        kept.append(line if index == last_with_content else line + " ")
    return "".join(kept)


def decode_entities(text: str) -> str:
    """HTML character references (`&amp;`, `&#123;`, `&#x1F600;`) as characters."""
    return _ENTITY.sub(_entity, text)


def _entity(match: re.Match[str]) -> str:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return html.entities.html5.get(f"{name};", match.group(0))

    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return chr(code)


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


RULES: dict[str, Rule] = {
    "jsx_element": _element,
    "jsx_self_closing_element": _element,
}
