"""Parsing with tree-sitter: the grammar per file kind and the first syntax error."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath

import tree_sitter
import tree_sitter_typescript

from .source import SourceText

Node = tree_sitter.Node
Tree = tree_sitter.Tree

_OPENERS = {"(": ")", "[": "]", "{": "}", "${": "}"}
_SHOWN_TOKEN_LIMIT = 24


@dataclass(frozen=True)
class Dialect:
    """What a file kind may contain: TypeScript types, JSX, or both."""

    suffix: str
    grammar: str
    types: bool
    jsx: bool

    @property
    def typescript_suffix(self) -> str:
        """The suffix to rename a JavaScript file to when it needs types."""
        return ".tsx" if self.suffix == ".jsx" else ".ts"


DIALECTS: dict[str, Dialect] = {
    ".ts": Dialect(".ts", "typescript", types=True, jsx=False),
    ".tsx": Dialect(".tsx", "tsx", types=True, jsx=True),
    ".jsx": Dialect(".jsx", "tsx", types=False, jsx=True),
    ".js": Dialect(".js", "tsx", types=False, jsx=True),
}


def dialect_of(name: str) -> Dialect:
    """The dialect for a file name; callers only pass the four known suffixes."""
    return DIALECTS[PurePosixPath(name).suffix]


@cache
def _language(grammar: str) -> tree_sitter.Language:
    if grammar == "tsx":
        return tree_sitter.Language(tree_sitter_typescript.language_tsx())
    return tree_sitter.Language(tree_sitter_typescript.language_typescript())


def parse(source: SourceText, dialect: Dialect) -> Tree:
    """Parse a file, raising SourceError at its first syntax error."""
    parser = tree_sitter.Parser(_language(dialect.grammar))
    tree = parser.parse(source.data)

    if tree.root_node.has_error:
        raise _syntax_error(source, tree.root_node)
    return tree


def is_empty(tree: Tree) -> bool:
    """True when the file holds nothing but whitespace and comments."""
    return all(
        child.type in ("comment", "hash_bang_line") for child in tree.root_node.children
    )


def walk(node: Node) -> Iterator[Node]:
    """Every node under `node` (itself included) in document order, iteratively."""
    cursor = node.walk()
    while True:
        current = cursor.node
        assert current is not None
        yield current

        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent() or cursor.node == node:
                return


def leaves(node: Node) -> Iterator[Node]:
    """The tokens under `node` in document order."""
    return (each for each in walk(node) if each.child_count == 0)


def _syntax_error(source: SourceText, root: Node) -> Exception:
    problem = _first_problem(root)

    if problem.is_missing:
        return source.error(
            problem.start_byte, f"syntax error: missing {_shown(problem)}"
        )

    unclosed = _unclosed_opener(root, problem)
    if unclosed is not None:
        return source.error(
            unclosed.start_byte, f"syntax error: `{unclosed.type}` is never closed"
        )

    token = next(leaves(problem), problem)
    if token.start_byte >= len(source.data):
        return source.error(token.start_byte, "syntax error: unexpected end of file")
    return source.error(token.start_byte, f"syntax error: unexpected {_shown(token)}")


def _first_problem(root: Node) -> Node:
    for node in walk(root):
        if node.is_error or node.is_missing:
            return node
    return root


def _unclosed_opener(root: Node, problem: Node) -> Node | None:
    """An opening bracket inside `problem` that nothing in the file closes."""
    stack: list[Node] = []
    for token in leaves(root):
        if token.is_missing:
            continue
        if token.type in _OPENERS:
            stack.append(token)
        elif stack and _OPENERS[stack[-1].type] == token.type:
            stack.pop()

    inside = [
        opener
        for opener in stack
        if problem.start_byte <= opener.start_byte < problem.end_byte
    ]
    return inside[-1] if inside else None


def _shown(node: Node) -> str:
    if node.is_missing:
        kind = node.type
        return f"`{kind}`" if not node.is_named else kind.replace("_", " ")

    text = (node.text or b"").decode("utf-8", errors="replace")
    first = text.split()[0] if text.split() else text
    if len(first) > _SHOWN_TOKEN_LIMIT:
        first = first[:_SHOWN_TOKEN_LIMIT] + "..."
    return f"`{first}`"
