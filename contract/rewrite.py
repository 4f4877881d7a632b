"""The rewriting walk: source text copied through, chosen nodes replaced, lines kept."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping

from zigttp.errors import SourceError

from .source import SourceText
from .syntax import Dialect, Node, Tree, walk

Rule = Callable[["Rewriter", Node], "str | None"]


class Rewriter:
    """Produces the output text of one tree: each node by its rule, else its source.

    A rule returns the node's replacement text, or None to keep the node and
    rewrite inside it. Subtrees without any node a rule applies to are copied
    as they are, so long plain expressions cost nothing and never recurse.
    """

    def __init__(
        self,
        source: SourceText,
        tree: Tree,
        dialect: Dialect,
        rules: Mapping[str, Rule],
    ) -> None:
        self.source = source
        self.tree = tree
        self.dialect = dialect
        self.rules = rules
        self._starts = sorted(
            node.start_byte for node in walk(tree.root_node) if node.type in rules
        )

    def output(self) -> str:
        """The rewritten text of the whole file."""
        return self.emit(self.tree.root_node)

    def emit(self, node: Node) -> str:
        """The rewritten text of one node."""
        if not self._has_work(node):
            return self.text(node)

        rule = self.rules.get(node.type)
        if rule is not None:
            replaced = rule(self, node)
            if replaced is not None:
                return replaced
        return self.emit_children(node)

    def emit_children(
        self, node: Node, replaced: Mapping[int, str] | None = None
    ) -> str:
        """The node's text with each child rewritten, or taken from `replaced`."""
        parts: list[str] = []
        position = node.start_byte
        for child in node.children:
            parts.append(self.slice(position, child.start_byte))
            if replaced is not None and child.id in replaced:
                parts.append(replaced[child.id])
            else:
                parts.append(self.emit(child))
            position = child.end_byte
        parts.append(self.slice(position, node.end_byte))
        return "".join(parts)

    def text(self, node: Node) -> str:
        """The node's source text, unchanged."""
        return self.slice(node.start_byte, node.end_byte)

    def slice(self, start: int, end: int) -> str:
        """Source text between two byte offsets."""
        return self.source.data[start:end].decode("utf-8")

    def blank(self, node: Node) -> str:
        """The node's text turned into spaces, its line breaks kept."""
        return blank(self.text(node))

    def blank_statement(self, node: Node) -> str:
        """A whole statement erased; it starts with `;` when the one before it
        ends without one, so the next line never continues that statement
        (`a = b` / erased interface / `(c)()` must not become `a = b(c)()`)."""
        text = self.blank(node)
        if text and text[0] == " " and _continues(node.prev_sibling):
            return ";" + text[1:]
        return text

    def blank_span(self, start: int, end: int) -> str:
        """Source text between two offsets turned into spaces, line breaks kept."""
        return blank(self.slice(start, end))

    def error(self, node: Node, problem: str) -> SourceError:
        """A SourceError at the start of `node`."""
        return self.source.error(node.start_byte, problem)

    def _has_work(self, node: Node) -> bool:
        index = bisect_left(self._starts, node.start_byte)
        return index < len(self._starts) and self._starts[index] < node.end_byte


# Statements that end with a block: the next line never continues them.
_BLOCK_ENDED = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "class_declaration",
        "abstract_class_declaration",
        "interface_declaration",
        "enum_declaration",
        "ambient_declaration",
        "internal_module",
        "module",
        "if_statement",
        "for_statement",
        "for_in_statement",
        "while_statement",
        "do_statement",
        "try_statement",
        "switch_statement",
        "statement_block",
        "class_static_block",
        "method_definition",
        "comment",
    }
)


def _continues(previous: Node | None) -> bool:
    """Could the code after `previous` be read as part of it, once types are gone?"""
    while previous is not None and previous.type == "comment":
        previous = previous.prev_sibling
    if previous is None or previous.type in _BLOCK_ENDED or previous.type in (";", "{"):
        return False
    if previous.type == "export_statement":
        declaration = previous.child_by_field_name("declaration")
        if declaration is not None and declaration.type in _BLOCK_ENDED:
            return False
    last = previous
    while last.children:
        last = last.children[-1]
    return last.type != ";"


def blank(text: str) -> str:
    """Spaces for every character except line breaks, so positions stay put."""
    return "".join(char if char in "\r\n" else " " for char in text)
