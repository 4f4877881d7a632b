"""Hostile requests get clear 4xx JSON errors, and nothing of them is stored."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from zigttp import canonical

from .stack import Running, contract, open_session

pytestmark = pytest.mark.slow

SQLISH = ["x'; drop table projects; --", 'a" or 1=1 --', "robert'); --", "ÄÖÜ", ""]


def project_count(plane: Running) -> int:
    return int(plane.rows("select count(*) from projects")[0][0])


def test_an_oversized_body_is_refused_with_413(plane: Running) -> None:
    body = b'{"projectName": "' + b"a" * (2 << 20) + b'"}'
    with plane.client() as client:
        answer = client.post(
            "/v1/deploy/session",
            content=body,
            headers={"Content-Type": "application/json"},
        )

    assert answer.status_code == 413
    assert answer.json()["error"] == "payload_too_large"


def test_an_oversized_body_without_length_is_cut_off(plane: Running) -> None:
    def chunks() -> Any:
        for _ in range(40):
            yield b" " * 65536

    with plane.client() as client:
        answer = client.post("/v1/deploy/session", content=chunks())

    assert answer.status_code == 413


@pytest.mark.parametrize(
    "body",
    [b"{", b"[1, 2]", b"null", b"\xff\xfe", b'{"projectName": }'],
)
def test_malformed_json_is_a_400(plane: Running, body: bytes) -> None:
    before = project_count(plane)
    with plane.client() as client:
        answer = client.post("/v1/deploy/session", content=body)

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_json"
    assert project_count(plane) == before


@pytest.mark.parametrize(
    ("path", "body", "signed_in"),
    [
        ("/v1/auth/device/poll", b"[" * 100_000, False),
        ("/v1/auth/device/start", b'{"a":' * 50_000, False),
        ("/v1/deploy/session", b"[" * 100_000 + b"]" * 100_000, True),
        ("/v1/deploy/session", b'{"a":' * 40 + b"1" + b"}" * 40, True),
    ],
)
def test_deeply_nested_json_is_a_400_without_a_traceback(
    plane: Running, path: str, body: bytes, signed_in: bool
) -> None:
    headers = {} if signed_in else {"Authorization": ""}
    with plane.client() as client:
        answer = client.post(path, content=body, headers=headers)

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_json"
    assert "nests lists or objects more than 32 deep" in answer.json()["message"]
    log = "".join(plane.stderr)
    assert "Traceback" not in log and "RecursionError" not in log


def test_a_contract_whose_sha_does_not_match_is_refused(plane: Running) -> None:
    body = contract()
    before = project_count(plane)
    with plane.client() as client:
        answer = client.post(
            "/v1/deploy/session",
            json={
                "projectName": "sha-mismatch",
                "region": "us-central",
                "contract": body,
                "contractSha256": canonical.sha256_hex(contract(env=("OTHER",))),
            },
        )

    assert answer.status_code == 400
    assert answer.json()["error"] == "contract_sha_mismatch"
    assert canonical.sha256_hex(body) in answer.json()["message"]
    assert project_count(plane) == before


@pytest.mark.parametrize(
    "change",
    [
        {"version": 2},
        {"env": {"names": "GREETING", "dynamic": False}},
        {"properties": {"readOnly": "yes"}},
        {"proofLevel": "total"},
        {"routes": {"items": [{"method": "GET"}], "dynamic": False}},
    ],
)
def test_a_malformed_contract_is_refused(
    plane: Running, change: dict[str, Any]
) -> None:
    body = {**contract(), **change}
    with plane.client() as client:
        answer = open_session(client, "bad-contract", body)

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_contract"
    assert not plane.rows("select id from projects where name = 'bad-contract'")


@pytest.mark.parametrize("name", SQLISH)
def test_sql_ish_project_names_are_refused_and_not_stored(
    plane: Running, name: str
) -> None:
    before = project_count(plane)
    with plane.client() as client:
        answer = open_session(client, name, contract())

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_project_name"
    assert project_count(plane) == before
    assert plane.rows("select count(*) from sqlite_master where name = 'projects'")


@pytest.mark.parametrize("name", ["x' or '1'='1", "%27%3B", "a" * 300])
def test_sql_ish_ids_in_paths_are_404s(plane: Running, name: str) -> None:
    with plane.client() as client:
        plan = client.get(f"/v1/deploy/plans/{name}")
        service = client.get(f"/v1/services/{name}")
        grant = client.post(f"/v1/grants/{name}/revoke")

    assert [plan.status_code, service.status_code, grant.status_code] == [404] * 3
    assert plan.json()["error"] == "plan_not_found"


def test_another_accounts_plan_is_not_found(plane: Running) -> None:
    with plane.client() as client:
        open_session(client, "mine", contract())
        plan = open_session(client, "mine", contract(env=("SECRET_NAME",))).json()

    intruder = plane.new_token("intruder@example.com")
    with plane.client(intruder) as client:
        read = client.get(f"/v1/deploy/plans/{plan['planId']}")
        approve = client.post(
            f"/v1/deploy/plans/{plan['planId']}/approve", json={"mode": "grant"}
        )

    assert read.status_code == 404 and approve.status_code == 404
    assert "SECRET_NAME" not in read.text
    status = plane.rows("select status from plans where id = ?", plan["planId"])
    assert status == [("pending",)]


def test_another_accounts_scope_cannot_release(plane: Running) -> None:
    with plane.client() as client:
        session = open_session(client, "owned", contract()).json()

    intruder = plane.new_token("intruder2@example.com")
    with plane.client(intruder) as client:
        answer = client.post(
            "/v1/deploy/release",
            json={
                "scopeId": session["scopeId"],
                "projectName": "owned",
                "region": "us-central",
                "digest": "sha256:" + "0" * 64,
                "env": {},
            },
        )

    assert answer.status_code == 404
    assert answer.json()["error"] == "project_not_found"


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"1BAD": "x"}, "env name '1BAD' must match [A-Za-z_][A-Za-z0-9_]*"),
        ({"GOOD": 5}, "the value of GOOD must be a string"),
        ({"A;B": "x"}, "env name 'A;B' must match [A-Za-z_][A-Za-z0-9_]*"),
        ({"BIG": "x" * 40000}, "the value of BIG is longer than 32768 bytes"),
        ({"WIDE": "é" * 16385}, "the value of WIDE is longer than 32768 bytes"),
        (["A=1"], "env must be an object of at most 200 names"),
        ({f"K{n}": "v" for n in range(201)}, "env must be an object of at most 200"),
        (
            {"NUL": "a\x00secret"},
            "the value of NUL holds a control character (0x00) that no "
            "environment can carry",
        ),
        (
            {"LINES": "one\r\nsecret"},
            "the value of LINES holds a control character (0x0d)",
        ),
        ({"ESC": "\x1b[2Jsecret"}, "the value of ESC holds a control character (0x1b)"),
        ({"HALF": "\ud800secret"}, "the value of HALF is not valid Unicode text"),
    ],
)
def test_bad_env_in_a_release_is_refused(
    plane: Running, env: Any, problem: str
) -> None:
    with plane.client() as client:
        session = open_session(client, "env-check", contract()).json()
        request = {
            "scopeId": session["scopeId"],
            "projectName": "env-check",
            "region": "us-central",
            "digest": "sha256:" + "0" * 64,
            "env": env,
        }
        # As JSON text with \u escapes: a lone surrogate travels as one.
        answer = client.post("/v1/deploy/release", content=json.dumps(request))

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_env"
    assert answer.json()["message"].startswith(problem)
    assert "secret" not in answer.text
    assert not plane.rows("select id from releases")


def test_unknown_paths_answer_json(plane: Running) -> None:
    answer = httpx.get(f"{plane.url}/v1/nothing-here")

    assert answer.status_code == 404
    assert answer.json()["error"] == "not_found"
