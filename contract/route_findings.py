"""What dispatch on the path records: routes with their methods, or routes dynamic.

A route found at a node is for the methods the nearest enclosing check
requires (`req.method === "GET"` in the same condition, an enclosing `if`,
or a `case "GET":` of a `switch (req.method)`), else for every method,
written `*`.
"""

from __future__ import annotations

from .expressions import operator_of
from .findings import Findings, Unit
from .model import Route
from .request_path import is_method
from .scopes import FUNCTIONS
from .syntax import Node
from .values import static_string
from .wrapping import unwrap

ANY_METHOD = "*"


def add_routes(
    unit: Unit, findings: Findings, node: Node, pattern: str, prefix: bool, why: str
) -> None:
    """One route for `pattern`, found at `node`, for each method checked there."""
    for method in sorted(_methods(unit, node)):
        findings.route(unit, node, Route(method, pattern, prefix), why)


def dynamic_routes(unit: Unit, findings: Findings, node: Node, why: str) -> None:
    """Dispatch at `node` the route list cannot name."""
    findings.dynamic(unit, node, "routes", why)


def _methods(unit: Unit, node: Node) -> set[str]:
    """Methods required where `node` is evaluated, from the nearest enclosing check."""
    child = node
    parent = node.parent
    while parent is not None and parent.type not in FUNCTIONS:
        condition: Node | None = None
        if parent.type == "binary_expression" and operator_of(parent) == "&&":
            left = parent.child_by_field_name("left")
            right = parent.child_by_field_name("right")
            condition = right if left == child else left
        elif parent.type in ("if_statement", "ternary_expression"):
            if parent.child_by_field_name("consequence") == child:
                condition = parent.child_by_field_name("condition")
        elif parent.type == "switch_case":
            method = _method_case(unit, parent)
            if method is not None:
                return {method}

        if condition is not None:
            methods = _method_checks(unit, condition)
            if methods:
                return methods
        child, parent = parent, parent.parent
    return {ANY_METHOD}


def _method_case(unit: Unit, case: Node) -> str | None:
    """The method of a `case "GET":` in a `switch (req.method)`."""
    body = case.parent
    statement = body.parent if body is not None else None
    subject = statement.child_by_field_name("value") if statement is not None else None
    if subject is None or not is_method(unit, subject):
        return None
    found = static_string(case.child_by_field_name("value"), unit.scopes)
    return found.upper() if found is not None else None


def _method_checks(unit: Unit, condition: Node) -> set[str]:
    """Methods a condition requires: `m === "GET"`, joined by && or ||."""
    condition = unwrap(condition)
    if condition.type != "binary_expression":
        return set()

    operator = operator_of(condition)
    left = condition.child_by_field_name("left")
    right = condition.child_by_field_name("right")
    if left is None or right is None:
        return set()

    if operator in ("===", "=="):
        for subject, other in ((left, right), (right, left)):
            if is_method(unit, subject):
                value = static_string(other, unit.scopes)
                return {value.upper()} if value is not None else set()
        return set()
    if operator == "&&":
        return _method_checks(unit, left) or _method_checks(unit, right)
    if operator == "||":
        either = (_method_checks(unit, left), _method_checks(unit, right))
        return either[0] | either[1] if all(either) else set()
    return set()
