"""The review card's delta and verdict: safe, safe with additions, breaking."""

from __future__ import annotations

from dataclasses import replace

import pytest

from zigttp.deploy.facts import (
    BREAKING,
    SAFE,
    SAFE_WITH_ADDITIONS,
    Facts,
    compare,
)

BASE = Facts(
    routes=("GET /", "GET /users"),
    env=("API_KEY",),
    egress=("api.example.com",),
    cache=("sessions",),
    dynamic=(),
    properties=("readOnly", "retrySafe", "idempotent"),
    proof_level="complete",
)


@pytest.mark.parametrize(
    ("changed", "verdict", "added", "removed"),
    [
        ({}, SAFE, [], []),
        ({"env": ()}, SAFE, [], ["env API_KEY"]),
        ({"egress": ()}, SAFE, [], ["egress api.example.com"]),
        ({"cache": ()}, SAFE, [], ["cache sessions"]),
        (
            {"properties": (*BASE.properties, "deterministic")},
            SAFE,
            [],
            [],
        ),
        (
            {"routes": (*BASE.routes, "POST /users")},
            SAFE_WITH_ADDITIONS,
            ["route POST /users"],
            [],
        ),
        ({"env": ("API_KEY", "DB_URL")}, SAFE_WITH_ADDITIONS, ["env DB_URL"], []),
        (
            {"egress": ("api.example.com", "pay.example.com")},
            SAFE_WITH_ADDITIONS,
            ["egress pay.example.com"],
            [],
        ),
        (
            {"dynamic": ("egress",)},
            SAFE_WITH_ADDITIONS,
            ["egress hosts became dynamic"],
            [],
        ),
        ({"routes": ("GET /",)}, BREAKING, [], ["route GET /users"]),
        (
            {"properties": ("retrySafe", "idempotent")},
            BREAKING,
            [],
            ["property readOnly no longer proven"],
        ),
        (
            {"proof_level": "partial"},
            BREAKING,
            [],
            ["proof level complete -> partial"],
        ),
        (
            {"routes": ("GET /", "POST /"), "env": ()},
            BREAKING,
            ["route POST /"],
            ["route GET /users", "env API_KEY"],
        ),
    ],
)
def test_the_verdict_follows_what_was_added_and_removed(
    changed: dict[str, object], verdict: str, added: list[str], removed: list[str]
) -> None:
    delta = compare(BASE, replace(BASE, **changed))  # type: ignore[arg-type]

    assert delta.verdict == verdict
    assert list(delta.added) == added
    assert list(delta.removed) == removed


def test_a_first_deploy_has_nothing_to_compare_and_is_safe() -> None:
    delta = compare(None, BASE)

    assert delta.first_deploy
    assert delta.verdict == SAFE


def test_facts_survive_the_state_file_and_read_a_contract() -> None:
    contract = {
        "version": 1,
        "routes": {
            "items": [
                {"method": "GET", "pattern": "/users", "prefix": False},
                {"method": "GET", "pattern": "/static/", "prefix": True},
            ],
            "dynamic": False,
        },
        "env": {"names": ["B", "A"], "dynamic": False},
        "egress": {"hosts": [], "dynamic": True},
        "cache": {"namespaces": ["c"], "dynamic": False},
        "properties": {"readOnly": True, "retrySafe": False},
        "proofLevel": "partial",
    }

    facts = Facts.from_contract(contract)

    assert facts == Facts(
        routes=("GET /static/*", "GET /users"),
        env=("A", "B"),
        egress=(),
        cache=("c",),
        dynamic=("egress",),
        properties=("readOnly",),
        proof_level="partial",
    )
    assert Facts.from_json(facts.to_json()) == facts
