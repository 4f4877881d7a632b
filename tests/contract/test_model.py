"""The contract document: canonical JSON, sha256, image labels and annotations."""

from __future__ import annotations

import hashlib

import pytest

from zigttp.contract.model import Contract, Fact, Origin, Route

SHA = "ab" * 32


def _contract(**changes: object) -> Contract:
    fields: dict[str, object] = {
        "handler_path": "src/handler.ts",
        "handler_sha256": SHA,
        "modules": ("zigttp:fetch", "zigttp:env", "zigttp:env"),
        "env": ("TOKEN", "API_KEY", "TOKEN"),
        "egress": ("api.example.com",),
        "cache": (),
        "routes": (
            Route("GET", "/health"),
            Route("GET", "/api/", prefix=True),
            Route("*", "/about"),
            Route("GET", "/health"),
        ),
        "properties": {
            "readOnly": True,
            "retrySafe": True,
            "idempotent": False,
            "deterministic": False,
            "stateIsolated": True,
            "injectionSafe": True,
        },
    }
    fields.update(changes)
    return Contract(**fields)  # type: ignore[arg-type]


def test_document_has_exactly_the_version_1_fields_sorted_and_deduplicated() -> None:
    assert _contract().to_json() == {
        "version": 1,
        "handler": {"path": "src/handler.ts", "sha256": SHA},
        "modules": ["zigttp:env", "zigttp:fetch"],
        "env": {"names": ["API_KEY", "TOKEN"], "dynamic": False},
        "egress": {"hosts": ["api.example.com"], "dynamic": False},
        "cache": {"namespaces": [], "dynamic": False},
        "routes": {
            "items": [
                {"method": "*", "pattern": "/about", "prefix": False},
                {"method": "GET", "pattern": "/api/", "prefix": True},
                {"method": "GET", "pattern": "/health", "prefix": False},
            ],
            "dynamic": False,
        },
        "properties": {
            "readOnly": True,
            "retrySafe": True,
            "idempotent": False,
            "deterministic": False,
            "stateIsolated": True,
            "injectionSafe": True,
        },
        "proofLevel": "complete",
    }


def test_canonical_form_and_its_sha256() -> None:
    contract = _contract(env=("É",), modules=(), egress=(), routes=())

    data = contract.canonical()

    assert data.startswith(b'{"cache":{"dynamic":false,"namespaces":[]},"egress":')
    assert b" " not in data and b"\n" not in data
    assert '"names":["É"]'.encode() in data
    assert contract.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("changes", "level"),
    [
        ({}, "complete"),
        ({"env_dynamic": True}, "partial"),
        ({"routes_dynamic": True}, "partial"),
        ({"properties": {"readOnly": None}}, "partial"),
        ({"analysed": False}, "none"),
    ],
)
def test_proof_level_drops_with_anything_unproven(
    changes: dict[str, object], level: str
) -> None:
    assert _contract(**changes).proof_level == level


def test_undecided_property_is_written_false() -> None:
    contract = _contract(properties={"readOnly": None, "retrySafe": True})

    properties = contract.to_json()["properties"]

    assert properties["readOnly"] is False
    assert properties["retrySafe"] is True
    assert properties["stateIsolated"] is False


def test_labels_are_strings_with_arrays_only_when_non_empty() -> None:
    assert _contract(egress_dynamic=True).labels() == {
        "zigttp.proof-level": "partial",
        "zigttp.retry-safe": "true",
        "zigttp.read-only": "true",
        "zigttp.idempotent": "false",
        "zigttp.deterministic": "false",
        "zigttp.state-isolated": "true",
        "zigttp.injection-safe": "true",
        "zigttp.env-proven": "true",
        "zigttp.egress-proven": "false",
        "zigttp.cache-proven": "true",
        "zigttp.env-vars": '["API_KEY","TOKEN"]',
        "zigttp.egress-hosts": '["api.example.com"]',
        "zigttp.routes": '["* /about","GET /api/*","GET /health"]',
    }


def test_annotations_carry_the_sha256_and_proof_level() -> None:
    contract = _contract()

    assert contract.annotations() == {
        "dev.zigttp.contract.sha256": contract.sha256,
        "dev.zigttp.contract.proof-level": "complete",
    }


@pytest.mark.parametrize(
    "contract",
    [
        _contract(),
        _contract(cache_dynamic=True, properties={"readOnly": None}),
        Contract.unproven(
            "handler.ts",
            SHA,
            Fact(Origin("handler.ts", 1, 1), "analysis", None, True, "x"),
        ),
    ],
    ids=["complete", "partial", "none"],
)
def test_document_reads_back_to_the_same_bytes(contract: Contract) -> None:
    again = Contract.from_json(contract.to_json())

    assert again.canonical() == contract.canonical()


def test_unproven_contract_proves_nothing() -> None:
    fact = Fact(Origin("handler.ts", 1, 1), "analysis", None, True, "gave up")

    document = Contract.unproven("handler.ts", SHA, fact).to_json()

    assert document["proofLevel"] == "none"
    assert all(document[key]["dynamic"] for key in ("env", "egress", "cache", "routes"))
    assert not any(document["properties"].values())


@pytest.mark.parametrize(
    ("route", "label"),
    [
        (Route("GET", "/health"), "GET /health"),
        (Route("GET", "/api/", prefix=True), "GET /api/*"),
        (Route("*", "/docs", prefix=True), "* /docs*"),
    ],
)
def test_route_labels(route: Route, label: str) -> None:
    assert route.label() == label
