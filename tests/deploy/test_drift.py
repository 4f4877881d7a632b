"""Drift: a changed scope, region, plan or dropped env var stops at exit 2."""

from __future__ import annotations

from pathlib import Path

from tests.controlplane.stack import Running

from .conftest import (
    Account,
    Cli,
    get_service,
    make_project,
    read_state,
    service_url,
)
from .standins import Reply, Request, StandIn, forward, forwarding

REGION_CHANGE = (
    "warning: drift: region changed from us-central to eu-west "
    "(a new service would start in eu-west)"
)


def service_status(plane: Running, account: Account, service_id: str) -> dict:
    with plane.client(account.token) as client:
        answer = client.get(f"/v1/services/{service_id}")
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_a_region_change_stops_until_confirmed_and_keeps_the_old_service(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "moving")
    first = zigttp("deploy", cwd=project)
    assert first.returncode == 0, first.stderr
    before = read_state(project)["moving"]

    stopped = zigttp("deploy", "--region", "eu-west", cwd=project)

    assert stopped.returncode == 2
    assert REGION_CHANGE in stopped.stderr.splitlines()
    assert "re-run with `zigttp deploy --confirm`" in stopped.stderr
    assert "built sha256" not in stopped.stderr
    assert read_state(project)["moving"] == before

    confirmed = zigttp("deploy", "--region", "eu-west", "--confirm", cwd=project)

    assert confirmed.returncode == 0, confirmed.stderr
    after = read_state(project)["moving"]
    assert after["region"] == "eu-west"
    assert after["serviceId"] != before["serviceId"]
    assert confirmed.stdout.strip() == service_url(
        plane, account.namespace, "moving", "eu-west"
    )
    old = service_status(plane, account, str(before["serviceId"]))
    assert (old["status"], old["region"]) == ("ready", "us-central")
    assert get_service(plane, first.stdout.strip()).status_code == 200

    again = zigttp("deploy", cwd=project)
    assert again.returncode == 0, again.stderr
    assert "  region    eu-west (from the last deploy)" in again.stderr
    assert read_state(project)["moving"]["serviceId"] == after["serviceId"]


def test_an_env_var_removed_from_dotenv_is_drift(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "envs", env="GREETING=hi\nFEATURE_FLAG=on\n")
    assert zigttp("deploy", "--no-wait", cwd=project).returncode == 0
    (project / ".env").write_text("GREETING=hi\n")

    stopped = zigttp("deploy", "--no-wait", cwd=project)
    confirmed = zigttp("deploy", "--no-wait", "--confirm", cwd=project)
    calm = zigttp("deploy", "--no-wait", cwd=project)

    assert stopped.returncode == 2
    assert (
        "warning: drift: env var FEATURE_FLAG was set by the last deploy and is no "
        "longer in .env"
    ) in stopped.stderr.splitlines()
    assert confirmed.returncode == 0, confirmed.stderr
    assert read_state(project)["envs"]["managedEnv"] == ["GREETING"]
    assert calm.returncode == 0, calm.stderr
    assert "drift" not in calm.stderr


def test_another_account_on_the_same_folder_is_a_scope_change(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "shared-folder")
    assert zigttp("deploy", "--no-wait", cwd=project).returncode == 0
    scope = read_state(project)["shared-folder"]["scopeId"]
    other = plane.new_token("someone-else@example.test")

    stopped = zigttp("deploy", "--no-wait", cwd=project, env={"ZIGTTP_TOKEN": other})

    assert stopped.returncode == 2
    assert f"warning: drift: scope changed from {scope} to scp_" in stopped.stderr
    assert read_state(project)["shared-folder"]["scopeId"] == scope


def test_a_changed_hosting_plan_is_drift(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "replanned")
    assert zigttp("deploy", "--no-wait", cwd=project).returncode == 0

    def team_plan(request: Request) -> Reply:
        reply = forward(plane.url, request)
        assert isinstance(reply.body, dict)
        if reply.status == 200:
            reply.body["planId"] = "team"
        return reply

    with StandIn(forwarding(plane.url, {"/v1/deploy/session": team_plan})) as standin:
        env = {"ZIGTTP_CONTROL_PLANE_URL": standin.url}
        stopped = zigttp("deploy", "--no-wait", cwd=project, env=env)
        confirmed = zigttp("deploy", "--no-wait", "--confirm", cwd=project, env=env)

    assert stopped.returncode == 2
    assert "warning: drift: plan changed from local-dev to team" in stopped.stderr
    assert confirmed.returncode == 0, confirmed.stderr
    assert read_state(project)["replanned"]["planId"] == "team"
