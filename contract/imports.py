"""Import and export statements rewritten: specifiers relinked, type-only names gone."""

from __future__ import annotations

import json
from collections.abc import Mapping

from .linking import Plan
from .rewrite import Rewriter, Rule
from .syntax import Node, walk
from .typescript import TYPE_DECLARATIONS, UNSUPPORTED, typescript_only

_LISTS = frozenset({"import_clause", "named_imports", "export_clause"})

_EXPORT_ASSIGNMENT = "`export =` is not supported: use `export default`"
_EXPORT_NAMESPACE = "`export as namespace` is not supported: use `export default`"


def rules(plan: Plan, specifiers: Mapping[int, str]) -> dict[str, Rule]:
    """Rules for one module; `specifiers` maps a source string's start to its text."""

    def statement(rewriter: Rewriter, node: Node) -> str:
        _refuse_unsupported(rewriter, node)
        if node.start_byte in plan.dropped:
            _check_types_allowed(rewriter, node)
            return rewriter.blank_statement(node)

        source = node.child_by_field_name("source")
        replaced: dict[int, str] = {}
        if source is not None and source.start_byte in specifiers:
            replaced[source.id] = json.dumps(specifiers[source.start_byte])
        for child in node.named_children:
            if child.type in _LISTS:
                replaced[child.id] = _without(rewriter, child, plan.elided)
        return rewriter.emit_children(node, replaced)

    return {"import_statement": statement, "export_statement": statement}


def _refuse_unsupported(rewriter: Rewriter, node: Node) -> None:
    kinds = [child.type for child in node.children]
    if node.type == "export_statement" and "=" in kinds:
        raise rewriter.error(node, _EXPORT_ASSIGNMENT)
    if node.type == "export_statement" and "namespace" in kinds:
        raise rewriter.error(node, _EXPORT_NAMESPACE)
    for child in node.named_children:
        if child.type in ("import_require_clause", "import_alias"):
            raise rewriter.error(child, UNSUPPORTED[child.type])


def _check_types_allowed(rewriter: Rewriter, node: Node) -> None:
    """A statement dropped for carrying only types must not be in a .js file."""
    if rewriter.dialect.types:
        return
    declaration = node.child_by_field_name("declaration")
    if declaration is not None and declaration.type in TYPE_DECLARATIONS:
        rewriter.emit(declaration)

    for token in walk(node):
        if token.type == "type" and token.parent is not None:
            marked = token.parent
            what = "a `type` specifier"
            if marked.type in ("import_statement", "export_statement"):
                what = f"`{marked.type.split('_')[0]} type`"
            typescript_only(rewriter, marked, what)


def _without(rewriter: Rewriter, node: Node, elided: frozenset[int]) -> str:
    """A comma-separated list with some entries blanked, and one comma per entry."""
    children = node.children
    gone = [_removed(child, elided) for child in children]
    replaced: dict[int, str] = {}

    for index, child in enumerate(children):
        if not gone[index]:
            if child.type in _LISTS:
                replaced[child.id] = _without(rewriter, child, elided)
            continue

        if any(token.type == "type" for token in child.children):
            typescript_only(rewriter, child, "a `type` specifier")
        replaced[child.id] = rewriter.blank(child)
        comma = _adjacent_comma(children, index)
        if comma is not None:
            replaced[comma.id] = " "

    return rewriter.emit_children(node, replaced)


def _removed(node: Node, elided: frozenset[int]) -> bool:
    if node.start_byte in elided and node.type != "named_imports":
        return True
    if node.type == "named_imports":
        specifiers = [c for c in node.named_children if c.type == "import_specifier"]
        return bool(specifiers) and all(c.start_byte in elided for c in specifiers)
    return False


def _adjacent_comma(children: list[Node], index: int) -> Node | None:
    following = children[index + 1] if index + 1 < len(children) else None
    if following is not None and following.type == ",":
        return following
    preceding = children[index - 1] if index > 0 else None
    if preceding is not None and preceding.type == ",":
        return preceding
    return None
