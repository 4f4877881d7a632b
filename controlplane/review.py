"""Capability review: what a proposed contract adds to the project's approved one.

Each addition is a reason string, the unit that plans list and grants cover:
`env name API_KEY added`, `egress host api.example.com added`, `property readOnly
turned false`, `proof level lowered from complete to partial`.
"""

from __future__ import annotations

from typing import Any

from zigttp.contract.model import PROOF_LEVELS, PROPERTIES
from zigttp.errors import ControlPlaneError

_LISTS = (
    ("env", "names", "env name"),
    ("egress", "hosts", "egress host"),
    ("cache", "namespaces", "cache namespace"),
)
_MAX_ITEMS = 1000
_MAX_TEXT = 512


def reasons(baseline: dict[str, Any], proposed: dict[str, Any]) -> list[str]:
    """Every capability `proposed` has that `baseline` lacks, in a stable order."""
    found: list[str] = []

    for section, key, noun in _LISTS:
        before = set(baseline[section][key])
        found += [
            f"{noun} {name} added"
            for name in proposed[section][key]
            if name not in before
        ]
        if proposed[section]["dynamic"] and not baseline[section]["dynamic"]:
            found.append(f"{noun}s became dynamic")

    before_routes = {_route(item) for item in baseline["routes"]["items"]}
    for item in proposed["routes"]["items"]:
        if _route(item) not in before_routes:
            found.append(f"route {_route(item)} added")
    if proposed["routes"]["dynamic"] and not baseline["routes"]["dynamic"]:
        found.append("routes became dynamic")

    before_modules = set(baseline["modules"])
    found += [
        f"module {name} added"
        for name in proposed["modules"]
        if name not in before_modules
    ]

    for name in PROPERTIES:
        if baseline["properties"][name] and not proposed["properties"][name]:
            found.append(f"property {name} turned false")

    old_level = PROOF_LEVELS.index(baseline["proofLevel"])
    new_level = PROOF_LEVELS.index(proposed["proofLevel"])
    if new_level < old_level:
        found.append(
            f"proof level lowered from {baseline['proofLevel']} "
            f"to {proposed['proofLevel']}"
        )
    return found


def check_contract(value: Any) -> dict[str, Any]:
    """`value` if it has the shape of a version 1 contract, else a 400 naming why."""
    if not isinstance(value, dict):
        raise _invalid("the contract is not a JSON object")
    if value.get("version") != 1:
        raise _invalid("only contract version 1 is understood")

    for section, key, _noun in _LISTS:
        _check_section(value, section, key)
    _check_section(value, "routes", "items", items_are_routes=True)
    _check_strings(value.get("modules"), "modules")

    properties = value.get("properties")
    if not isinstance(properties, dict) or any(
        not isinstance(properties.get(name), bool) for name in PROPERTIES
    ):
        raise _invalid(f"properties must hold the booleans {', '.join(PROPERTIES)}")
    if value.get("proofLevel") not in PROOF_LEVELS:
        raise _invalid(f"proofLevel must be one of {', '.join(PROOF_LEVELS)}")
    return value


def _route(item: dict[str, Any]) -> str:
    pattern = item["pattern"]
    if item.get("prefix") and not pattern.endswith("*"):
        pattern = pattern.rstrip("/") + "/*"
    return f"{item['method']} {pattern}"


def _check_section(
    value: dict[str, Any], section: str, key: str, items_are_routes: bool = False
) -> None:
    body = value.get(section)
    if not isinstance(body, dict) or not isinstance(body.get("dynamic"), bool):
        raise _invalid(f"{section} must be an object with a boolean 'dynamic'")

    if not items_are_routes:
        _check_strings(body.get(key), f"{section}.{key}")
        return

    items = body.get(key)
    if not isinstance(items, list) or len(items) > _MAX_ITEMS:
        raise _invalid(f"{section}.{key} must be a list of routes")
    for item in items:
        if not (
            isinstance(item, dict)
            and _short_text(item.get("method"))
            and _short_text(item.get("pattern"))
            and isinstance(item.get("prefix", False), bool)
        ):
            raise _invalid(f"{section}.{key} holds a route without method and pattern")


def _check_strings(items: Any, where: str) -> None:
    if not isinstance(items, list) or len(items) > _MAX_ITEMS:
        raise _invalid(f"{where} must be a list of strings")
    if not all(_short_text(item) for item in items):
        raise _invalid(f"{where} must hold non-empty strings of at most {_MAX_TEXT}")


def _short_text(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= _MAX_TEXT


def _invalid(problem: str) -> ControlPlaneError:
    return ControlPlaneError("read the contract", 400, "invalid_contract", problem)
