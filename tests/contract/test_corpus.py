"""The corpus: small handlers, honest and adversarial, each with the contract it proves.

Every case is a folder under corpus/ with a handler and expected.json. The whole
document must match, so a fact the analyzer misses or invents fails the test.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from zigttp import canonical
from zigttp.contract import program, source

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(folder.name for folder in CORPUS.iterdir() if folder.is_dir())
DIALECTS = ("ts", "tsx", "jsx", "js")


def _expected(case: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((CORPUS / case / "expected.json").read_text())
    return document


def _entry(case: str) -> Path:
    folder = CORPUS / case
    return folder / _expected(case)["handler"]["path"]


def test_corpus_covers_at_least_thirty_handlers() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES)
def test_contract_matches_the_expected_document(case: str) -> None:
    expected = _expected(case)

    contract = program.load(_entry(case)).contract

    assert contract.to_json() == expected
    assert contract.canonical() == canonical.dumps(expected)
    assert contract.sha256 == hashlib.sha256(canonical.dumps(expected)).hexdigest()


@pytest.mark.parametrize("case", CASES)
def test_handler_hash_is_of_the_entry_file_bytes(case: str) -> None:
    contract = program.load(_entry(case)).contract

    assert (
        contract.handler_sha256 == hashlib.sha256(_entry(case).read_bytes()).hexdigest()
    )


@pytest.mark.parametrize("case", CASES)
def test_corpus_entry_is_what_discovery_finds(case: str) -> None:
    assert source.find_handler(CORPUS / case) == _entry(case)


def test_same_handler_in_every_dialect_proves_one_contract() -> None:
    documents = []
    for dialect in DIALECTS:
        document = program.load(_entry(f"same_handler_{dialect}")).contract.to_json()
        assert document["handler"]["path"] == f"handler.{dialect}"
        del document["handler"]
        documents.append(document)

    assert all(document == documents[0] for document in documents)
    assert documents[0]["proofLevel"] == "complete"


@pytest.mark.parametrize(
    ("case", "explained"),
    [
        (
            "env_shadowed_by_local",
            [
                "handler.ts:1:1: modules zigttp:env: imported",
                "handler.ts:3:14: env REAL_ONE: env() with a constant argument",
            ],
        ),
        (
            "egress_through_global_this",
            [
                "handler.ts:1:1: modules zigttp:fetch: imported",
                "handler.ts:4:3: egress api.example.com: fetch() of a URL with this "
                "host",
                "handler.ts:5:3: egress dynamic: globalThis.fetch is not the zigttp "
                "import: its calls cannot be followed",
                "handler.ts:5:3: injectionSafe dynamic: globalThis.fetch is not the "
                "zigttp import: its calls cannot be followed",
                "handler.ts:5:3: readOnly dynamic: globalThis.fetch is not the zigttp "
                "import: its calls cannot be followed",
            ],
        ),
        (
            "modules_across_files",
            [
                "lib/config.ts:1:1: modules zigttp:env: imported",
                "lib/config.ts:2:1: modules zigttp:fetch: imported",
                "lib/config.ts:4:28: env DATABASE_URL: env() with a constant argument",
                "lib/config.ts:5:27: egress db.example.com: fetch() of a URL with this "
                "host",
                "lib/session.ts:1:1: modules zigttp:cache: imported",
                "lib/session.ts:6:16: cache sessions: cacheGet() with a constant "
                "argument",
                "src/handler.ts:6:31: routes GET /me: the path compared with a literal",
            ],
        ),
    ],
)
def test_explain_names_the_source_of_every_fact(
    case: str, explained: list[str]
) -> None:
    contract = program.load(_entry(case)).contract

    assert contract.explain() == explained
