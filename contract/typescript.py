"""Erasing TypeScript: type syntax becomes spaces, enums become frozen objects."""

from __future__ import annotations

from .enums import compile_enum
from .rewrite import Rewriter, Rule, blank
from .syntax import Node

# Nodes that are nothing but types: erased whole wherever they stand.
TYPE_DECLARATIONS = frozenset(
    {
        "interface_declaration",
        "type_alias_declaration",
        "ambient_declaration",
        "function_signature",
    }
)

TYPE_CLAUSES = frozenset(
    {
        "type_annotation",
        "type_arguments",
        "type_parameters",
        "type_predicate_annotation",
        "asserts_annotation",
        "omitting_type_annotation",
        "adding_type_annotation",
        "opting_type_annotation",
        "implements_clause",
        "abstract_method_signature",
        "method_signature",
        "index_signature",
    }
)

# Type expressions: what follows `as`, `satisfies`, `:` and sits inside `<...>`.
TYPE_EXPRESSIONS = frozenset(
    {
        "array_type",
        "conditional_type",
        "constructor_type",
        "existential_type",
        "flow_maybe_type",
        "function_type",
        "generic_type",
        "index_type_query",
        "infer_type",
        "intersection_type",
        "literal_type",
        "lookup_type",
        "nested_type_identifier",
        "object_type",
        "optional_type",
        "parenthesized_type",
        "predefined_type",
        "readonly_type",
        "rest_type",
        "template_literal_type",
        "this_type",
        "tuple_type",
        "type_identifier",
        "type_predicate",
        "type_query",
        "union_type",
    }
)

# Everything the analysis and the import elision treat as type context.
TYPE_CONTEXT = TYPE_DECLARATIONS | TYPE_CLAUSES | TYPE_EXPRESSIONS

# Class members that are only types.
_MEMBERS = frozenset(
    {"abstract_method_signature", "method_signature", "index_signature"}
)

_DESCRIPTIONS = {
    "type_annotation": "a type annotation",
    "type_arguments": "type arguments",
    "type_parameters": "type parameters",
    "type_predicate_annotation": "a type predicate",
    "asserts_annotation": "an asserts annotation",
    "implements_clause": "an implements clause",
    "abstract_method_signature": "an abstract method",
    "method_signature": "an overload signature",
    "index_signature": "an index signature",
    "interface_declaration": "an interface",
    "type_alias_declaration": "a type alias",
    "ambient_declaration": "a declare statement",
    "function_signature": "an overload signature",
    "as_expression": "an `as` cast",
    "satisfies_expression": "a `satisfies` check",
    "non_null_expression": "a non-null assertion `!`",
    "type_assertion": "a `<T>` cast",
    "abstract_class_declaration": "an abstract class",
    "enum_declaration": "an enum",
    "accessibility_modifier": "an access modifier",
    "override_modifier": "an `override` modifier",
    "optional_parameter": "an optional parameter `?`",
}

UNSUPPORTED = {
    "internal_module": "namespaces are not supported: move the code into its own "
    "file and import it",
    "module": "namespaces are not supported: move the code into its own file and "
    "import it",
    "decorator": "decorators are not supported: call the decorating function directly",
    "import_alias": "`import x = ...` is not supported: use `import x from ...` or "
    "a const",
    "import_require_clause": "`import x = require(...)` is not supported: use `import "
    'x from "..."`',
}

_PARAMETER_PROPERTY = (
    "parameter properties (`{modifier} {name}` in a constructor) are not supported: "
    "declare the field in the class and assign it in the constructor"
)


def typescript_only(rewriter: Rewriter, node: Node, what: str | None = None) -> None:
    """Refuse type syntax in a .js or .jsx file, naming the suffix to use."""
    if rewriter.dialect.types:
        return
    described = what or _DESCRIPTIONS.get(node.type, f"`{node.type}`")
    raise rewriter.error(
        node,
        f"{described} is TypeScript syntax in a {rewriter.dialect.suffix} file: "
        f"rename the file to {rewriter.dialect.typescript_suffix} or remove the types",
    )


def _erase(rewriter: Rewriter, node: Node) -> str:
    typescript_only(rewriter, node)
    if node.type in TYPE_DECLARATIONS or node.type in _MEMBERS:
        return rewriter.blank_statement(node)
    return rewriter.blank(node)


def _erase_type_tail(rewriter: Rewriter, node: Node) -> str:
    """`value as T` and `value satisfies T`: keep the value, blank the rest."""
    typescript_only(rewriter, node)
    value = node.children[0]
    return rewriter.emit(value) + rewriter.blank_span(value.end_byte, node.end_byte)


def _non_null(rewriter: Rewriter, node: Node) -> str:
    typescript_only(rewriter, node)
    value = node.children[0]
    return rewriter.emit(value) + rewriter.blank_span(value.end_byte, node.end_byte)


def _type_assertion(rewriter: Rewriter, node: Node) -> str:
    """`<T>value`: blank the type, keep the value.

    When a line break separates them, the value is wrapped in parentheses
    instead, so `return <T>` followed by the value on the next line still
    returns the value rather than ending at the line break.
    """
    typescript_only(rewriter, node)
    cast, value = node.children[0], node.children[-1]
    between = rewriter.slice(cast.start_byte, value.start_byte)
    if "\n" not in between:
        return rewriter.emit_children(node)
    return "(" + blank(between)[1:] + rewriter.emit(value) + ")"


def _abstract_class(rewriter: Rewriter, node: Node) -> str:
    typescript_only(rewriter, node)
    return _blank_tokens(rewriter, node, {"abstract"})


def _field(rewriter: Rewriter, node: Node) -> str | None:
    """Class fields: `declare`/`abstract` fields vanish, modifiers are blanked."""
    kinds = {child.type for child in node.children}
    if "accessor" in kinds:
        raise rewriter.error(
            node, "`accessor` fields are not supported: write a getter and a setter"
        )
    if kinds & {"declare", "abstract"}:
        typescript_only(rewriter, node, "a declared or abstract field")
        return rewriter.blank_statement(node)

    marks = kinds & {"readonly", "?", "!"}
    if not marks:
        return None
    typescript_only(rewriter, node, f"a `{sorted(marks)[0]}` field modifier")
    return _blank_tokens(rewriter, node, {"readonly", "?", "!"})


def _optional_member(rewriter: Rewriter, node: Node) -> str | None:
    """`method?()` and `let x!: T`: blank the mark."""
    marks = {child.type for child in node.children} & {"?", "!"}
    if not marks:
        return None
    typescript_only(rewriter, node, f"a `{sorted(marks)[0]}` mark")
    return _blank_tokens(rewriter, node, {"?", "!"})


def _parameter(rewriter: Rewriter, node: Node) -> str | None:
    """Parameters: refuse parameter properties, blank `?`."""
    modifiers = [
        child
        for child in node.children
        if child.type in ("accessibility_modifier", "override_modifier", "readonly")
    ]
    if modifiers:
        typescript_only(rewriter, modifiers[0], "a parameter property")
        name = node.child_by_field_name("pattern")
        raise rewriter.error(
            modifiers[0],
            _PARAMETER_PROPERTY.format(
                modifier=rewriter.text(modifiers[0]),
                name=rewriter.text(name) if name is not None else "x",
            ),
        )

    if node.type != "optional_parameter":
        return None
    typescript_only(rewriter, node)
    return _blank_tokens(rewriter, node, {"?"})


def _parameters(rewriter: Rewriter, node: Node) -> str | None:
    """`f(this: T, x)`: the `this` parameter and its comma vanish."""
    named = node.named_children
    if not named or not _is_this_parameter(named[0]):
        return None

    typescript_only(rewriter, named[0], "a `this` parameter")
    first = named[0]
    children = node.children
    index = children.index(first)
    replaced = {first.id: rewriter.blank(first)}
    following = children[index + 1] if index + 1 < len(children) else None
    if following is not None and following.type == ",":
        replaced[following.id] = " "
    return rewriter.emit_children(node, replaced)


def _is_this_parameter(node: Node) -> bool:
    pattern = node.child_by_field_name("pattern")
    return pattern is not None and pattern.type == "this"


def _arrow(rewriter: Rewriter, node: Node) -> str | None:
    """An arrow whose return type spans lines: JavaScript allows no line break
    before `=>`, so the type's line breaks move to just after the arrow."""
    return_type = node.child_by_field_name("return_type")
    if return_type is None or "\n" not in rewriter.text(return_type):
        return None

    typescript_only(rewriter, return_type)
    arrow = next(child for child in node.children if child.type == "=>")
    text = rewriter.text(return_type)
    replaced = {
        return_type.id: " " * len(text.replace("\r", "").replace("\n", "")),
        arrow.id: "=>" + "\n" * text.count("\n"),
    }
    return rewriter.emit_children(node, replaced)


def _enum(rewriter: Rewriter, node: Node) -> str:
    typescript_only(rewriter, node)
    return compile_enum(rewriter, node)


def _unsupported(rewriter: Rewriter, node: Node) -> str:
    raise rewriter.error(node, UNSUPPORTED[node.type])


def _blank_tokens(rewriter: Rewriter, node: Node, tokens: set[str]) -> str:
    replaced = {
        child.id: rewriter.blank(child)
        for child in node.children
        if child.type in tokens
    }
    return rewriter.emit_children(node, replaced)


RULES: dict[str, Rule] = {
    **{kind: _erase for kind in TYPE_DECLARATIONS | TYPE_CLAUSES},
    "accessibility_modifier": _erase,
    "override_modifier": _erase,
    "as_expression": _erase_type_tail,
    "satisfies_expression": _erase_type_tail,
    "non_null_expression": _non_null,
    "type_assertion": _type_assertion,
    "abstract_class_declaration": _abstract_class,
    "public_field_definition": _field,
    "method_definition": _optional_member,
    "variable_declarator": _optional_member,
    "required_parameter": _parameter,
    "optional_parameter": _parameter,
    "formal_parameters": _parameters,
    "arrow_function": _arrow,
    "enum_declaration": _enum,
    **{kind: _unsupported for kind in UNSUPPORTED},
}
