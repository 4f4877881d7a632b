"""Capability review from the CLI: the stop at exit 5, approvals, grants, revocation.

The egress handler imports zigttp:fetch; these deploys use --no-wait because
whether the new release starts is not what they are about.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.controlplane.stack import Running, free_port, start_control_plane

from .conftest import EGRESS, HELLO, Account, Cli, make_project, read_state

EXTRA_ENV = EGRESS.replace('env("GREETING")', 'env("GREETING") ?? env("EXTRA")')


def plan_of(stderr: str) -> str:
    found = re.search(r"review of plan (pln_[0-9a-f]+)", stderr)
    assert found, stderr
    return found.group(1)


def marks(stderr: str) -> dict[str, str]:
    """reason -> covered-by-grant | needs-approval, from the review block."""
    found = re.findall(
        r"^ {12}(.+?)\s+(covered-by-grant|needs-approval)$", stderr, re.MULTILINE
    )
    return dict(found)


def deploy(zigttp: Cli, project: Path, handler: str) -> tuple[int, str]:
    (project / "handler.ts").write_text(handler)
    done = zigttp("deploy", "--no-wait", cwd=project)
    return done.returncode, done.stderr


def test_a_new_egress_host_needs_review_then_a_grant_covers_it_until_revoked(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "reviewed", env="GREETING=hello\nALSO=too\n")
    assert deploy(zigttp, project, HELLO)[0] == 0
    digest = read_state(project)["reviewed"]["lastDigest"]

    code, stderr = deploy(zigttp, project, EGRESS)
    assert code == 5, stderr
    plan = plan_of(stderr)
    assert f"  review    {plane.url}/plans/{plan}" in stderr
    assert marks(stderr) == {
        "egress host api.example.com added": "needs-approval",
        "route * /upstream added": "needs-approval",
        "module zigttp:fetch added": "needs-approval",
    }
    assert "uploaded" not in stderr and "built sha256" not in stderr
    assert read_state(project)["reviewed"]["lastDigest"] == digest

    approved = zigttp("review", plan, "--approve", "--grant")
    assert approved.returncode == 0, approved.stderr
    grant = approved.stdout.strip()
    assert grant.startswith("grt_")
    assert f"approved plan {plan} and granted 3 capabilities" in approved.stderr
    assert deploy(zigttp, project, EGRESS)[0] == 0

    assert deploy(zigttp, project, HELLO)[0] == 0
    code, stderr = deploy(zigttp, project, EGRESS)
    assert code == 0, stderr
    assert "  blocks    nothing" in stderr

    code, stderr = deploy(zigttp, project, HELLO)
    assert code == 0, stderr
    code, stderr = deploy(zigttp, project, EXTRA_ENV.replace("EXTRA", "ALSO"))
    assert code == 5
    assert marks(stderr) == {
        "egress host api.example.com added": "covered-by-grant",
        "route * /upstream added": "covered-by-grant",
        "module zigttp:fetch added": "covered-by-grant",
        "env name ALSO added": "needs-approval",
    }

    revoked = zigttp("revoke-grant", grant)
    assert revoked.returncode == 0, revoked.stderr
    assert f"revoked grant {grant} of reviewed" in revoked.stderr
    code, stderr = deploy(zigttp, project, EGRESS)
    assert code == 5
    assert set(marks(stderr).values()) == {"needs-approval"}


def test_review_shows_the_plan_and_approve_once_lets_the_rerun_deploy(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "once")
    assert deploy(zigttp, project, HELLO)[0] == 0
    plan = plan_of(deploy(zigttp, project, EGRESS)[1])

    shown = zigttp("review", plan)
    approved = zigttp("review", plan, "--approve")
    rerun = deploy(zigttp, project, EGRESS)
    again = zigttp("review", plan, "--approve")

    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[:3] == [f"plan      {plan}", "project   once", "status    pending"]
    assert "  egress host api.example.com added  needs-approval" in lines
    assert lines[-1] == f"review    {plane.url}/plans/{plan}"
    assert approved.returncode == 0, approved.stderr
    assert f"approved plan {plan} once" in approved.stderr
    assert approved.stdout == ""
    assert rerun[0] == 0, rerun[1]
    assert again.returncode == 1
    assert f"plan {plan} is already consumed" in again.stderr


def test_a_rejected_plan_stays_rejected_until_the_contract_changes(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "rejected")
    assert deploy(zigttp, project, HELLO)[0] == 0
    plan = plan_of(deploy(zigttp, project, EGRESS)[1])

    rejected = zigttp("review", plan, "--reject")
    approve_after = zigttp("review", plan, "--approve")
    same_code, same_stderr = deploy(zigttp, project, EGRESS)
    changed_code, changed_stderr = deploy(
        zigttp, project, EGRESS.replace("version: 2", "version: 3")
    )

    assert rejected.returncode == 0, rejected.stderr
    assert f"rejected plan {plan}" in rejected.stderr
    assert approve_after.returncode == 1
    assert f"plan {plan} is already rejected" in approve_after.stderr
    assert same_code == 1, same_stderr
    last = same_stderr.strip().splitlines()[-1]
    assert last.startswith("error: open a deploy session: control plane answered 4")
    assert f"was rejected by {account.email} at " in last
    assert f"(plan {plan}); change the handler so its contract differs" in last
    assert "built sha256" not in same_stderr
    assert changed_code == 5, changed_stderr
    assert plan_of(changed_stderr) != plan


def test_grants_lists_id_project_capabilities_created_and_expiry(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "granted")
    assert deploy(zigttp, project, HELLO)[0] == 0
    plan = plan_of(deploy(zigttp, project, EGRESS)[1])
    grant = zigttp("review", plan, "--approve", "--grant").stdout.strip()

    listed = zigttp("grants")
    as_json = zigttp("grants", "--json")
    plan_json = zigttp("review", plan, "--json")
    of_project = zigttp("grants", "granted")
    of_other = zigttp("grants", "nothing-here")
    zigttp("revoke-grant", grant)
    after = zigttp("grants", "granted")

    assert listed.returncode == 0, listed.stderr
    header, row = listed.stdout.splitlines()
    assert header.split() == ["ID", "PROJECT", "CAPABILITIES", "CREATED", "EXPIRES"]
    assert row.startswith(f"{grant}  granted  egress host api.example.com added; ")
    assert row.split()[-1] == "never"
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row)
    assert of_project.stdout == listed.stdout
    assert (of_other.returncode, of_other.stdout) == (0, "")
    assert "no grants for nothing-here" in of_other.stderr
    assert after.stdout.splitlines()[1].split()[-2] == "revoked"
    with plane.client(account.token) as client:
        api_grants = client.get("/v1/grants").json()["grants"]
        api_plan = client.get(f"/v1/deploy/plans/{plan}").json()
    (shown,) = json.loads(as_json.stdout)
    assert set(shown) == set(api_grants[0]) >= {"grantId", "projectName", "planId"}
    assert shown["grantId"] == grant
    assert {key: shown[key] for key in ("projectName", "planId", "capabilities")} == {
        key: api_grants[0][key] for key in ("projectName", "planId", "capabilities")
    }
    assert (shown["expiresAt"], shown["revokedAt"]) == (None, None)
    assert json.loads(plan_json.stdout) == {**api_plan, "status": "approved"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--approve", "--reject"), "--approve and --reject do not go together"),
        (("--grant",), "--grant goes with --approve"),
        (("--grant", "--reject"), "--grant goes with --approve"),
    ],
)
def test_conflicting_review_flags_are_usage_errors(
    zigttp: Cli, args: tuple[str, ...], message: str
) -> None:
    done = zigttp("review", "pln_0123", *args)

    assert done.returncode == 1
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("review", "pln_nope"), "no plan 'pln_nope' in your projects"),
        (("review", "pln_nope", "--approve"), "no plan 'pln_nope' in your projects"),
        (("revoke-grant", "grt_nope"), "no grant 'grt_nope' in your projects"),
    ],
)
def test_unknown_plans_and_grants_are_named(
    account: Account, zigttp: Cli, args: tuple[str, ...], message: str
) -> None:
    done = zigttp(*args)

    assert done.returncode == 1
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.fixture
def quick_expiry(tmp_path: Path) -> Iterator[Running]:
    """A control plane whose plans expire after one second."""
    running = start_control_plane(
        tmp_path / "expiring",
        free_port(),
        free_port(),
        ZIGTTP_CP_PLAN_EXPIRY_SECONDS="1",
    )
    yield running
    assert running.stop() == 0, "".join(running.stderr)


def test_an_expired_plan_cannot_be_approved(
    quick_expiry: Running, zigttp: Cli, tmp_path: Path
) -> None:
    env = {"ZIGTTP_CONTROL_PLANE_URL": quick_expiry.url}
    assert (
        zigttp("login", "--token-stdin", stdin=quick_expiry.token, env=env).returncode
        == 0
    )
    project = make_project(tmp_path, "expiring")
    (project / "handler.ts").write_text(HELLO)
    assert zigttp("deploy", "--no-wait", cwd=project, env=env).returncode == 0
    (project / "handler.ts").write_text(EGRESS)
    plan = plan_of(zigttp("deploy", "--no-wait", cwd=project, env=env).stderr)
    time.sleep(1.5)

    shown = zigttp("review", plan, env=env)
    approved = zigttp("review", plan, "--approve", env=env)

    assert "status    expired" in shown.stdout
    assert "this plan expired: re-run `zigttp deploy`" in shown.stderr
    assert approved.returncode == 1
    assert f"plan {plan} expired before anyone decided it" in approved.stderr
