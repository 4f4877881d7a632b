"""The wait for ready: exit 4 at once on failure, exit 3 at the deadline, no hangs.

R9 and R12 use a stand-in in front of the real control plane that changes only
the service status answers.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.controlplane.stack import Running

from .conftest import (
    CRASHES,
    HELLO,
    NEVER_LISTENS,
    Account,
    Cli,
    environment,
    get_service,
    make_project,
    read_state,
    service_url,
)
from .standins import Reply, Request, StandIn, forward, forwarding


def test_a_handler_that_crashes_at_start_exits_4_with_its_log(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "crasher", handler=CRASHES, env=None)

    done = zigttp("deploy", cwd=project)

    assert done.returncode == 4, done.stderr
    assert done.seconds < 60
    url = service_url(plane, account.namespace, "crasher")
    assert f"{url} failed to start" in done.stderr
    assert "  | loading settings" in done.stderr
    assert "Error: settings are missing" in done.stderr
    assert done.stdout == ""
    assert read_state(project)["crasher"]["lastDigest"]


def test_a_service_that_never_gets_ready_exits_3_at_the_deadline(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "spinner", handler=NEVER_LISTENS, env=None)

    done = zigttp("deploy", cwd=project, env={"ZIGTTP_READY_TIMEOUT": "3"})

    assert done.returncode == 3, done.stderr
    assert 3 <= done.seconds < 60
    assert "did not report ready within 3.0 s (last seen: pending" in done.stderr
    assert "the release was made and the state saved" in done.stderr
    assert read_state(project)["spinner"]["serviceId"]


def test_no_wait_returns_once_the_release_is_accepted(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "impatient", handler=NEVER_LISTENS, env=None)

    done = zigttp("deploy", "--no-wait", cwd=project)

    assert done.returncode == 0, done.stderr
    assert done.stdout == service_url(plane, account.namespace, "impatient") + "\n"
    assert "waiting for http" not in done.stderr
    assert done.seconds < 60


def status_script(plane: Running, fail_after: float | None) -> StandIn:
    """Status answers stay pending (R12), or turn failed after `fail_after` (R9)."""
    first_seen: list[float] = []

    def status(request: Request) -> Reply:
        reply = forward(plane.url, request)
        assert isinstance(reply.body, dict)
        first_seen.append(first_seen[0] if first_seen else time.monotonic())
        failed = (
            fail_after is not None and time.monotonic() - first_seen[0] > fail_after
        )
        reply.body["status"] = "failed" if failed else "pending"
        if failed:
            reply.body["message"] = "exited with code 2"
            reply.body["logTail"] = ["connecting to db", "panic: db unreachable"]
        return reply

    return StandIn(forwarding(plane.url, {"/v1/services/": status}))


def test_r9_a_service_failing_a_second_after_release_ends_the_wait_at_once(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "fails-late")

    with status_script(plane, fail_after=1.0) as standin:
        done = zigttp(
            "deploy", cwd=project, env={"ZIGTTP_CONTROL_PLANE_URL": standin.url}
        )

    assert done.returncode == 4, done.stderr
    assert done.seconds < 60
    assert "failed to start: exited with code 2" in done.stderr
    assert done.stderr.splitlines()[-2:] == [
        "  | connecting to db",
        "  | panic: db unreachable",
    ]


def test_r12_a_release_that_stays_pending_is_reported_at_the_deadline(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "forever-pending")

    with status_script(plane, fail_after=None) as standin:
        done = zigttp(
            "deploy",
            cwd=project,
            env={"ZIGTTP_CONTROL_PLANE_URL": standin.url, "ZIGTTP_READY_TIMEOUT": "2"},
        )

    assert done.returncode == 3, done.stderr
    assert 2 <= done.seconds < 60
    assert "did not report ready within 2.0 s (last seen: pending" in done.stderr


def test_r12_status_requests_that_get_no_answer_are_bounded_by_the_deadline(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "silent-status")
    stall = {"/v1/services/": lambda request: Reply(200, {}, delay=60)}

    with StandIn(forwarding(plane.url, stall)) as standin:
        done = zigttp(
            "deploy",
            cwd=project,
            env={"ZIGTTP_CONTROL_PLANE_URL": standin.url, "ZIGTTP_READY_TIMEOUT": "3"},
        )

    assert done.returncode == 3, done.stderr
    assert 3 <= done.seconds < 60
    assert re.search(
        r"\(last seen: the control plane did not answer \(no answer within "
        r"\d+\.\d s\)\)",
        done.stderr,
    ), done.stderr


def test_r12_a_session_request_that_gets_no_answer_times_out(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "silent-session")
    stall = {"/v1/deploy/session": lambda request: Reply(200, {}, delay=60)}

    with StandIn(forwarding(plane.url, stall)) as standin:
        done = zigttp(
            "deploy",
            cwd=project,
            env={
                "ZIGTTP_CONTROL_PLANE_URL": standin.url,
                "ZIGTTP_CONTROL_PLANE_TIMEOUT": "2",
            },
        )

    assert done.returncode == 1
    assert done.seconds < 60
    assert done.stderr.splitlines()[-1] == (
        f"error: open a deploy session: cannot reach {standin.url}/v1/deploy/session: "
        "no answer within 2.0 s"
    )
    assert not (project / ".zigttp" / "deploy-state.json").exists()


@pytest.mark.parametrize(
    ("stop", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["int", "term"]
)
def test_ctrl_c_or_sigterm_while_waiting_says_the_release_happened(
    plane: Running,
    account: Account,
    build_cache: Path,
    tmp_path: Path,
    stop: signal.Signals,
    code: int,
) -> None:
    project = make_project(tmp_path, "interrupted")

    with status_script(plane, fail_after=None) as standin:
        process = start_deploy(build_cache, project, standin.url)
        seen = read_until(process, "waiting for")
        process.send_signal(stop)
        out, err = process.communicate(timeout=30)

    assert process.returncode == code, seen + err
    assert err.splitlines()[-1] == (
        "error: interrupted while waiting for ready: the release was accepted and "
        f"the state saved; {read_state(project)['interrupted']['url']} may still "
        "come up"
    )
    assert read_state(project)["interrupted"]["serviceId"]
    assert out == ""
    assert "Traceback" not in err


def start_deploy(
    build_cache: Path, project: Path, url: str, *args: str
) -> subprocess.Popen[str]:
    env = environment(build_cache, {"ZIGTTP_CONTROL_PLANE_URL": url})
    return subprocess.Popen(
        [sys.executable, "-m", "zigttp", "deploy", *args],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_until(process: subprocess.Popen[str], prefix: str) -> str:
    """stderr lines up to the first that starts with `prefix`."""
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.startswith(prefix):
            return "".join(seen)
    raise AssertionError(f"no line starting {prefix!r}:\n{''.join(seen)}")


def test_a_newer_release_seen_while_waiting_stops_at_once_as_superseded(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "overtaken")

    def newer(request: Request) -> Reply:
        reply = forward(plane.url, request)
        assert isinstance(reply.body, dict)
        reply.body["releaseId"] = "rel_from-another-deploy"
        reply.body["status"] = "ready"
        return reply

    with StandIn(forwarding(plane.url, {"/v1/services/": newer})) as standin:
        done = zigttp(
            "deploy", cwd=project, env={"ZIGTTP_CONTROL_PLANE_URL": standin.url}
        )

    assert done.returncode == 6, done.stderr
    assert done.seconds < 60
    url = service_url(plane, account.namespace, "overtaken")
    assert done.stderr.splitlines()[-1].startswith(
        f"error: superseded by rel_from-another-deploy: another deploy released "
        f"{url} after ours (rel_"
    )
    assert done.stdout == ""
    assert read_state(project)["overtaken"]["serviceId"]


def test_the_loser_of_two_deploys_at_once_is_superseded_not_timed_out(
    plane: Running, account: Account, zigttp: Cli, build_cache: Path, tmp_path: Path
) -> None:
    first = make_project(tmp_path / "first", "raced")
    second = make_project(tmp_path / "second", "raced")
    (second / "handler.ts").write_text(HELLO.replace("version: 1", "version: 2"))

    with status_script(plane, fail_after=None) as standin:
        loser = start_deploy(build_cache, first, standin.url)
        read_until(loser, "waiting for")
        began = time.monotonic()
        winner = zigttp("deploy", cwd=second)
        _, err = loser.communicate(timeout=60)
        settled = time.monotonic() - began

    assert winner.returncode == 0, winner.stderr
    service = read_state(second)["raced"]["serviceId"]
    with plane.client(account.token) as client:
        newest = client.get(f"/v1/services/{service}").json()["releaseId"]
    assert loser.returncode == 6, err
    assert f"error: superseded by {newest}: " in err
    assert settled < winner.seconds + 10
    assert get_service(plane, winner.stdout.strip()).json()["version"] == 2


def test_ready_shows_the_time_the_wait_took_with_one_decimal(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "timed")

    def slow_release(request: Request) -> Reply:
        time.sleep(3)
        return forward(plane.url, request)

    overrides = {"/v1/deploy/release": slow_release}
    with StandIn(forwarding(plane.url, overrides)) as standin:
        done = zigttp(
            "deploy", cwd=project, env={"ZIGTTP_CONTROL_PLANE_URL": standin.url}
        )

    assert done.returncode == 0, done.stderr
    found = re.search(r"^timed is ready \((\d+\.\d) s\)$", done.stderr, re.MULTILINE)
    assert found, done.stderr
    assert float(found.group(1)) < 3 < done.seconds
