"""Capability review: each addition to the approved contract is one reason."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from zigttp.controlplane import review
from zigttp.errors import ControlPlaneError

from .stack import contract

Change = Callable[[dict[str, Any]], None]


def changed(change: Change) -> dict[str, Any]:
    proposed = copy.deepcopy(contract())
    change(proposed)
    return proposed


def add_route(body: dict[str, Any]) -> None:
    body["routes"]["items"].append(
        {"method": "POST", "pattern": "/api", "prefix": True}
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda c: c["env"]["names"].append("TOKEN"), ["env name TOKEN added"]),
        (
            lambda c: c["egress"]["hosts"].append("api.example.com"),
            ["egress host api.example.com added"],
        ),
        (
            lambda c: c["cache"]["namespaces"].append("sessions"),
            ["cache namespace sessions added"],
        ),
        (add_route, ["route POST /api/* added"]),
        (lambda c: c["modules"].append("zigttp:cache"), ["module zigttp:cache added"]),
        (
            lambda c: c["properties"].update(deterministic=False),
            ["property deterministic turned false"],
        ),
        (
            lambda c: c.update(proofLevel="partial"),
            ["proof level lowered from complete to partial"],
        ),
        (lambda c: c["egress"].update(dynamic=True), ["egress hosts became dynamic"]),
        (lambda c: c["env"]["names"].clear(), []),
        (lambda c: c["handler"].update(sha256="1" * 64), []),
    ],
)
def test_each_added_capability_is_one_reason(
    change: Change, expected: list[str]
) -> None:
    assert review.reasons(contract(), changed(change)) == expected


def test_removals_and_gains_are_not_reasons() -> None:
    baseline = changed(lambda c: c["properties"].update(stateIsolated=False))
    baseline["proofLevel"] = "partial"

    assert review.reasons(baseline, contract()) == []


@pytest.mark.parametrize(
    "value",
    [None, [], "contract", {"version": 1}, {**contract(), "modules": [1]}],
)
def test_malformed_contracts_are_refused(value: Any) -> None:
    with pytest.raises(ControlPlaneError) as refused:
        review.check_contract(value)

    assert refused.value.status == 400
    assert refused.value.code == "invalid_contract"
