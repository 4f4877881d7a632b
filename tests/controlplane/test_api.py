"""The JSON API of control-plane.md against the real server process over HTTP."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from .stack import Running, contract, free_port, open_session, start_control_plane

pytestmark = pytest.mark.slow


def test_dev_start_prints_a_first_token_that_verifies(plane: Running) -> None:
    with plane.client() as client:
        answer = client.post("/v1/auth/token/verify")

    assert answer.status_code == 200
    assert answer.json()["email"] == "dev@localhost"
    assert plane.token.startswith("ztp_")


def test_tokens_are_stored_only_as_hashes(plane: Running) -> None:
    stored = [row[0] for row in plane.rows("select token_hash from access_tokens")]

    assert stored
    assert plane.token not in stored
    assert all(len(value) == 64 for value in stored)


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer ztp_not-a-real-token", "Basic abc", "Bearer x' OR '1'='1"],
)
def test_bad_tokens_are_refused_with_401(plane: Running, header: str) -> None:
    headers = {"Authorization": header} if header else {}
    answer = httpx.post(f"{plane.url}/v1/auth/token/verify", headers=headers)

    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized"


def test_device_login_is_pending_then_slows_down(plane: Running) -> None:
    start = httpx.post(f"{plane.url}/v1/auth/device/start").json()
    poll = {"deviceCode": start["deviceCode"]}

    first = httpx.post(f"{plane.url}/v1/auth/device/poll", json=poll)
    second = httpx.post(f"{plane.url}/v1/auth/device/poll", json=poll)

    assert start["verificationUrl"] == f"{plane.url}/device"
    assert start["intervalSeconds"] == 1 and start["expiresInSeconds"] == 600
    assert first.status_code == 202 and "slowDown" not in first.json()
    assert second.status_code == 202 and second.json()["slowDown"] is True


def test_first_deploy_sets_the_baseline_without_review(plane: Running) -> None:
    with plane.client() as client:
        answer = open_session(client, "first-deploy", contract())

    body = answer.json()
    assert answer.status_code == 200
    assert body["planId"] == "local-dev"
    assert body["namespace"] == "dev"
    assert body["repository"] == "dev/first-deploy"
    assert body["registryHost"] == f"127.0.0.1:{plane.registry_port}"
    audit = plane.rows(
        "select subject, detail from audit_events where action = 'baseline.set'"
    )
    assert audit[-1][:1] == ("first-deploy",)
    assert "first deploy" in json.loads(audit[-1][1])["reason"]


def test_added_capabilities_need_a_plan_with_one_reason_each(plane: Running) -> None:
    with plane.client() as client:
        open_session(client, "review-me", contract())
        answer = open_session(
            client,
            "review-me",
            contract(
                env=("GREETING", "API_KEY"), hosts=("api.example.com",), read_only=False
            ),
        )

    body = answer.json()
    assert answer.status_code == 202
    assert body["status"] == "plan_required"
    assert body["diff"]["reasons"] == [
        "env name API_KEY added",
        "egress host api.example.com added",
        "module zigttp:fetch added",
        "property readOnly turned false",
        "property retrySafe turned false",
        "property idempotent turned false",
    ]
    assert body["grantCoverage"]["uncoveredReasons"] == body["diff"]["reasons"]
    assert body["reviewUrl"] == f"{plane.url}/plans/{body['planId']}"


def test_approving_once_lets_the_next_session_through_once(plane: Running) -> None:
    wider = contract(hosts=("api.example.com",))
    with plane.client() as client:
        open_session(client, "approve-once", contract())
        plan = open_session(client, "approve-once", wider).json()
        approved = client.post(
            f"/v1/deploy/plans/{plan['planId']}/approve", json={"mode": "once"}
        )
        after = open_session(client, "approve-once", wider)
        again = client.post(
            f"/v1/deploy/plans/{plan['planId']}/approve", json={"mode": "once"}
        )
        read = client.get(f"/v1/deploy/plans/{plan['planId']}").json()

    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert after.status_code == 200
    assert again.status_code == 409
    assert read["status"] == "consumed"


def test_a_grant_covers_its_reasons_until_revoked(
    plane: Running,
) -> None:
    with plane.client() as client:
        open_session(client, "granted", contract())
        plan = open_session(client, "granted", contract(env=("GREETING", "K"))).json()
        approved = client.post(
            f"/v1/deploy/plans/{plan['planId']}/approve", json={"mode": "grant"}
        ).json()
        open_session(client, "granted", contract(env=("GREETING", "K")))
        open_session(client, "granted", contract())
        covered = open_session(client, "granted", contract(env=("GREETING", "K")))
        grants = client.get("/v1/projects/granted/grants").json()["grants"]
        revoked = client.post(f"/v1/grants/{approved['grant']['grantId']}/revoke")
        open_session(client, "granted", contract())
        after_revoke = open_session(client, "granted", contract(env=("GREETING", "K")))

    assert covered.status_code == 200
    assert covered.json()["grantIds"] == [approved["grant"]["grantId"]]
    assert grants[0]["capabilities"] == ["env name K added"]
    assert revoked.json()["revokedAt"] is not None
    assert after_revoke.status_code == 202


def test_rejected_plans_cannot_be_approved(plane: Running) -> None:
    with plane.client() as client:
        open_session(client, "rejected", contract())
        plan = open_session(client, "rejected", contract(env=("X",))).json()
        rejected = client.post(f"/v1/deploy/plans/{plan['planId']}/reject")
        approve = client.post(
            f"/v1/deploy/plans/{plan['planId']}/approve", json={"mode": "once"}
        )

    assert rejected.json()["status"] == "rejected"
    assert approve.status_code == 409
    assert approve.json()["error"] == "plan_rejected"


def test_scope_is_stable_and_a_refresh_keeps_namespace_and_registry(
    plane: Running,
) -> None:
    with plane.client() as client:
        first = open_session(client, "stable", contract()).json()
        second = open_session(client, "stable", contract()).json()
        other_region = open_session(client, "stable", contract(), "eu-west").json()

    assert first["scopeId"] == second["scopeId"] == other_region["scopeId"]
    assert first["registryHost"] == second["registryHost"]
    assert first["namespace"] == second["namespace"]
    assert first["registryPassword"] != second["registryPassword"]
    assert other_region["region"] == "eu-west"
    assert first["urlHint"] != other_region["urlHint"]


def test_unknown_region_names_the_known_ones(plane: Running) -> None:
    with plane.client() as client:
        answer = open_session(client, "regions", contract(), "mars-north")

    assert answer.status_code == 400
    assert answer.json()["error"] == "unknown_region"
    assert "us-central, eu-west" in answer.json()["message"]


def test_session_credentials_expire_when_configured(plane: Running) -> None:
    with plane.client() as client:
        body = open_session(client, "expiry", contract()).json()

    expires = time.mktime(time.strptime(body["expiresAt"], "%Y-%m-%dT%H:%M:%SZ"))
    lifetime = expires - time.mktime(time.gmtime())
    assert 800 < lifetime <= 900


def test_the_audit_log_records_approvals_and_token_use(plane: Running) -> None:
    actions = {row[0] for row in plane.rows("select action from audit_events")}

    assert {
        "token.create",
        "token.use",
        "plan.approve",
        "grant.create",
        "grant.use",
        "session.open",
    } <= actions
    details = " ".join(row[0] for row in plane.rows("select detail from audit_events"))
    assert plane.token not in details


@pytest.fixture(scope="module")
def quick_expiry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """A control plane whose review plans expire after one second."""
    folder = tmp_path_factory.mktemp("expiry")
    running = start_control_plane(
        folder / "data", free_port(), free_port(), ZIGTTP_CP_PLAN_EXPIRY_SECONDS="1"
    )
    yield running
    assert running.stop() == 0, "".join(running.stderr)


def test_plans_expire_and_then_cannot_be_approved(quick_expiry: Running) -> None:
    with quick_expiry.client() as client:
        open_session(client, "expires", contract())
        plan = open_session(client, "expires", contract(env=("LATE",))).json()
        time.sleep(1.5)
        read = client.get(f"/v1/deploy/plans/{plan['planId']}").json()
        approve = client.post(
            f"/v1/deploy/plans/{plan['planId']}/approve", json={"mode": "once"}
        )
        fresh = open_session(client, "expires", contract(env=("LATE",))).json()

    assert read["status"] == "expired"
    assert approve.status_code == 409 and approve.json()["error"] == "plan_expired"
    assert fresh["status"] == "plan_required" and fresh["planId"] != plan["planId"]


def test_a_rejected_contract_is_refused_until_it_changes(plane: Running) -> None:
    rejected_contract = contract(env=("GREETING", "REFUSED"))
    with plane.client() as client:
        open_session(client, "refused", contract())
        plan = open_session(client, "refused", rejected_contract).json()
        client.post(f"/v1/deploy/plans/{plan['planId']}/reject")
        again = open_session(client, "refused", rejected_contract)
        changed = open_session(
            client, "refused", contract(env=("GREETING", "REFUSED", "MORE"))
        )

    body = again.json()
    decided_at = plane.rows("select decided_at from plans where id = ?", plan["planId"])
    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(decided_at[0][0]))
    assert again.status_code == 409
    assert body == {
        "error": "plan_rejected",
        "message": (
            f"the plan for this exact contract ({plan['proposedSha'][:12]}) was "
            f"rejected by dev@localhost at {at} (plan {plan['planId']}); change the "
            "handler so its contract differs, then deploy again"
        ),
        "planId": plan["planId"],
        "projectName": "refused",
        "proposedSha": plan["proposedSha"],
        "rejectedBy": "dev@localhost",
        "rejectedAt": at,
        "reviewUrl": plan["reviewUrl"],
    }
    assert plane.rows(
        "select count(*) from plans where proposed_sha = ?", plan["proposedSha"]
    ) == [(1,)]
    assert changed.status_code == 202
    assert changed.json()["planId"] != plan["planId"]
