"""`zigttp deploy` end to end: sign in, first deploy, updates in place, the card."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.controlplane.stack import Running, free_port, start_control_plane
from zigttp import canonical

from .conftest import (
    HELLO,
    Account,
    Cli,
    get_service,
    make_project,
    read_state,
    service_url,
)


def test_first_deploy_prints_a_url_that_answers(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "first-app")

    done = zigttp("deploy", cwd=project)

    assert done.returncode == 0, done.stderr
    url = done.stdout.strip()
    assert url == service_url(plane, account.namespace, "first-app")
    answer = get_service(plane, url)
    assert answer.status_code == 200
    assert answer.json() == {"greeting": "hello", "version": 1}

    digest = read_state(project)["first-app"]["lastDigest"]
    assert f"digest {digest}" in done.stderr.splitlines()
    assert str(digest) not in done.stdout
    print(f"first deploy took {done.seconds:.2f} s")


def test_a_redeploy_updates_the_same_service_in_place(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "in-place")
    first = zigttp("deploy", cwd=project)
    assert first.returncode == 0, first.stderr
    before = read_state(project)["in-place"]

    (project / "handler.ts").write_text(HELLO.replace("version: 1", "version: 2"))
    second = zigttp("deploy", cwd=project)
    assert second.returncode == 0, second.stderr
    after = read_state(project)["in-place"]

    assert second.stdout == first.stdout
    assert after["serviceId"] == before["serviceId"]
    assert after["lastDigest"] != before["lastDigest"]
    assert get_service(plane, second.stdout.strip()).json()["version"] == 2
    assert "delta     no change since the last deploy" in second.stderr

    third = zigttp("deploy", cwd=project)
    assert third.returncode == 0, third.stderr
    assert read_state(project)["in-place"]["lastDigest"] == after["lastDigest"]
    assert ": 0 uploaded, 2 skipped (already there)" in third.stderr
    print(
        f"first deploy {first.seconds:.2f} s, re-deploy after a change "
        f"{second.seconds:.2f} s, unchanged re-deploy {third.seconds:.2f} s"
    )


def test_the_state_file_keeps_names_and_facts_never_env_values(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "stateful", env="GREETING=sekrit-value-42\n")

    done = zigttp("deploy", "--no-wait", cwd=project)

    assert done.returncode == 0, done.stderr
    entry = read_state(project)["stateful"]
    assert entry["managedEnv"] == ["GREETING"]
    assert entry["region"] == "us-central"
    assert entry["planId"] == "local-dev"
    assert entry["controlPlane"] == plane.url
    assert str(entry["scopeId"]).startswith("scp_")
    assert entry["contractFacts"] == {
        "routes": [],
        "env": ["GREETING"],
        "egress": [],
        "cache": [],
        "dynamic": [],
        "properties": [
            "readOnly",
            "retrySafe",
            "idempotent",
            "deterministic",
            "stateIsolated",
            "injectionSafe",
        ],
        "proofLevel": "complete",
    }
    text = (project / ".zigttp" / "deploy-state.json").read_text()
    assert "sekrit-value-42" not in text + done.stderr + done.stdout
    assert "not waiting for ready (--no-wait)" in done.stderr


def test_the_card_shows_handler_service_region_contract_and_surface(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "carded", package_name="@Team/Carded_App.v2")

    done = zigttp("deploy", "--no-wait", cwd=project)

    assert done.returncode == 0, done.stderr
    contract = json.loads(zigttp("contract", cwd=project).stdout)
    lines = done.stderr.splitlines()
    start = lines.index("proof review")
    assert lines[start + 1 : start + 12] == [
        "  handler   handler.ts",
        "  service   team-carded-app-v2 (from package.json)",
        "  region    us-central (from the default)",
        f"  contract  sha256:{canonical.sha256_hex(contract)}",
        "  proof     complete",
        "  proven    read-only, retry-safe, idempotent, deterministic, "
        "state-isolated, injection-safe",
        "  surface   0 routes, 1 env var, 0 egress hosts, 0 cache namespaces",
        "  delta     first deploy of team-carded-app-v2 from this folder",
        "  verdict   safe",
        "  blocks    nothing",
        f"built {read_state(project)['team-carded-app-v2']['lastDigest']} "
        "into .zigttp/image",
    ]


@pytest.fixture
def short_credentials(tmp_path: Path) -> Iterator[Running]:
    """A control plane whose push credentials live 30 s, inside the 60 s margin."""
    running = start_control_plane(
        tmp_path / "short",
        free_port(),
        free_port(),
        ZIGTTP_CP_CREDENTIAL_SECONDS="30",
    )
    yield running
    assert running.stop() == 0, "".join(running.stderr)


def test_credentials_near_expiry_reopen_the_session_before_the_push(
    short_credentials: Running, zigttp: Cli, tmp_path: Path
) -> None:
    plane = short_credentials
    env = {"ZIGTTP_CONTROL_PLANE_URL": plane.url, "ZIGTTP_TOKEN": plane.token}
    project = make_project(tmp_path, "refreshed")

    done = zigttp("deploy", cwd=project, env=env)

    assert done.returncode == 0, done.stderr
    said = re.search(
        r"^push credentials expire in (\d+\.\d) s: reopening the session$",
        done.stderr,
        re.MULTILINE,
    )
    assert said, done.stderr
    # The credentials last 30 s; how much of that is left depends on machine load.
    assert 0 < float(said.group(1)) <= 30
    opened = plane.rows(
        "select count(*) from audit_events where action = 'session.open'"
    )
    assert opened == [(2,)]
    assert get_service(plane, done.stdout.strip()).status_code == 200
