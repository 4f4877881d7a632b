"""ZIGTTP_HOME or the project folder that is a file, read-only or full: one-line
errors that say what happened, never a traceback; a release that went out is
reported even when its state cannot be saved."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.controlplane.stack import Running

from .conftest import Account, Cli, Mounts, get_service, make_project, service_url
from .standins import Reply, Request, StandIn, forward, forwarding

HOME_IS_A_FILE = (
    "is a file, not a folder: set ZIGTTP_HOME to a folder, or move that file out "
    "of the way"
)


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.fixture
def home_file(tmp_path: Path) -> Path:
    where = tmp_path / "home-is-a-file"
    where.write_text("not a folder\n")
    return where


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("login", "--token-stdin"), "TOKEN\n", "error: cannot sign in: "),
        (("logout",), None, "error: cannot sign out: "),
        (("grants",), None, "error: cannot read the saved sign-in: "),
        (("deploy",), None, "error: cannot read the saved sign-in: "),
    ],
)
def test_a_zigttp_home_that_is_a_file_is_one_line_for_every_command(
    plane: Running,
    zigttp: Cli,
    tmp_path: Path,
    home_file: Path,
    args: tuple[str, ...],
    stdin: str | None,
    message: str,
) -> None:
    project = make_project(tmp_path, "homeless")
    env = {"ZIGTTP_HOME": str(home_file), "ZIGTTP_CONTROL_PLANE_URL": plane.url}
    stdin = stdin.replace("TOKEN", plane.token) if stdin else None

    done = zigttp(*args, cwd=project, env=env, stdin=stdin)

    assert done.returncode == 1
    assert one_line(done.stderr) == (
        f"{message}{home_file} (ZIGTTP_HOME) {HOME_IS_A_FILE}"
    )
    assert "zigttp logout" not in done.stderr
    assert home_file.read_text() == "not a folder\n"
    assert plane.token not in done.stderr


def test_a_home_below_a_file_is_named_too(
    plane: Running, zigttp: Cli, home_file: Path
) -> None:
    below = home_file / "zigttp"
    env = {"ZIGTTP_HOME": str(below), "ZIGTTP_CONTROL_PLANE_URL": plane.url}

    done = zigttp("login", "--token-stdin", stdin=plane.token, env=env)

    assert done.returncode == 1
    assert one_line(done.stderr) == (
        f"error: cannot sign in: {below} (ZIGTTP_HOME) is inside {home_file}, "
        f"which {HOME_IS_A_FILE}"
    )


@pytest.mark.parametrize(
    ("state", "problem"),
    [("read-only", "Read-only file system"), ("full", "No space left on device")],
)
def test_login_into_a_read_only_or_full_home_saves_nothing_and_says_why(
    plane: Running,
    zigttp: Cli,
    mounts: Mounts,
    tmp_path: Path,
    state: str,
    problem: str,
) -> None:
    disk = mounts.tmpfs(tmp_path / "disk")
    home = disk / "home"
    home.mkdir(mode=0o700)
    if state == "full":
        mounts.fill(disk)
    else:
        mounts.read_only(disk)
    env = {"ZIGTTP_HOME": str(home), "ZIGTTP_CONTROL_PLANE_URL": plane.url}

    done = zigttp("login", "--token-stdin", stdin=plane.token, env=env)

    assert done.returncode == 1
    saved = home / "credentials"
    assert one_line(done.stderr) == (
        f"error: cannot save the sign-in to {saved}: {problem}: make {home} a "
        "writable folder with free space, or set ZIGTTP_HOME to one (nothing was "
        "saved)"
    )
    assert list(home.iterdir()) == []
    assert plane.token not in done.stderr


def test_logout_from_a_read_only_home_says_the_token_still_works(
    plane: Running, zigttp: Cli, mounts: Mounts, tmp_path: Path
) -> None:
    home = mounts.tmpfs(tmp_path / "disk")
    env = {"ZIGTTP_HOME": str(home), "ZIGTTP_CONTROL_PLANE_URL": plane.url}
    assert zigttp("login", "--token-stdin", stdin=plane.token, env=env).returncode == 0
    mounts.read_only(home)

    done = zigttp("logout", env=env)
    grants = zigttp("grants", env=env)

    assert done.returncode == 1
    assert one_line(done.stderr) == (
        f"error: cannot remove the saved sign-in at {home / 'credentials'}: "
        "Read-only file system: the token in it stays usable until it is revoked; "
        "remove the file yourself, or revoke the token"
    )
    assert grants.returncode == 0, grants.stderr


def test_deploy_in_a_read_only_project_folder_stops_before_anything_is_sent(
    plane: Running, account: Account, zigttp: Cli, mounts: Mounts, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "read-only-folder")
    mounts.read_only(project)

    with StandIn(forwarding(plane.url, {})) as standin:
        done = zigttp(
            "deploy", cwd=project, env={"ZIGTTP_CONTROL_PLANE_URL": standin.url}
        )

    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        f"error: cannot write in {project}: Read-only file system: deploy keeps "
        f"the image and its state in {project / '.zigttp'}, so make that writable "
        "(nothing was built or sent)"
    )
    assert "Traceback" not in done.stderr
    assert standin.requests == []


def test_a_state_file_that_cannot_be_saved_after_the_release_is_reported(
    plane: Running, account: Account, zigttp: Cli, mounts: Mounts, tmp_path: Path
) -> None:
    disk = mounts.tmpfs(tmp_path / "disk", size="32m")
    project = make_project(disk, "full-after-release")

    def release_then_fill(request: Request) -> Reply:
        reply = forward(plane.url, request)
        mounts.fill(disk)
        return reply

    overrides = {"/v1/deploy/release": release_then_fill}
    with StandIn(forwarding(plane.url, overrides)) as standin:
        done = zigttp(
            "deploy", cwd=project, env={"ZIGTTP_CONTROL_PLANE_URL": standin.url}
        )

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    url = service_url(plane, account.namespace, "full-after-release")
    assert last.startswith(f"error: released {url} with sha256:")
    assert (
        "but .zigttp/deploy-state.json could not be saved (No space left on "
        "device) and the wait for ready was skipped: this folder does not "
        "remember the release"
    ) in last
    assert not (project / ".zigttp" / "deploy-state.json").exists()
    assert not [p for p in (project / ".zigttp").iterdir() if p.name != "image"]

    deadline = time.monotonic() + 30
    while get_service(plane, url).status_code != 200:
        assert time.monotonic() < deadline, "the release never came up"
        time.sleep(0.5)
    assert get_service(plane, url).json() == {"greeting": "hello", "version": 1}
