"""Signing in and out without a terminal: token on stdin, the file, ZIGTTP_TOKEN."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.controlplane.stack import Running

from .conftest import Account, Cli, make_project


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def at_plane(plane: Running, monkeypatch: pytest.MonkeyPatch) -> Running:
    monkeypatch.setenv("ZIGTTP_CONTROL_PLANE_URL", plane.url)
    return plane


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """umask 002, as on systems with per-user groups (R10)."""
    old = os.umask(0o002)
    yield
    os.umask(old)


def test_login_with_a_token_on_stdin_verifies_and_saves_it_privately(
    at_plane: Running, zigttp: Cli, local_only: Path, loose_umask: None
) -> None:
    done = zigttp("login", "--token-stdin", stdin=f"  {at_plane.token}  \n")

    assert done.returncode == 0, done.stderr
    saved = local_only / "credentials"
    assert json.loads(saved.read_text()) == {
        "token": at_plane.token,
        "email": "dev@localhost",
    }
    assert (mode(local_only), mode(saved)) == (0o700, 0o600)
    assert done.stderr.splitlines() == [
        f"signed in to {at_plane.url} as dev@localhost; saved to {saved}"
    ]
    assert at_plane.token not in done.stderr + done.stdout


def test_r10_a_file_others_can_read_is_warned_about_and_rewritten_private(
    at_plane: Running, zigttp: Cli, local_only: Path, loose_umask: None
) -> None:
    local_only.mkdir(mode=0o775)
    assert zigttp("login", "--token-stdin", stdin=at_plane.token).returncode == 0
    saved = local_only / "credentials"
    saved.chmod(0o644)
    local_only.chmod(0o775)

    used = zigttp("grants")
    again = zigttp("login", "--token-stdin", stdin=at_plane.token)

    assert f"warning: {saved} is readable by other users (mode 0644)" in used.stderr
    assert f"run `chmod 600 {saved}`" in used.stderr
    assert again.returncode == 0, again.stderr
    assert "signing in replaces it with a private file" in again.stderr
    assert (mode(local_only), mode(saved)) == (0o700, 0o600)
    assert not [p for p in local_only.iterdir() if p.name != "credentials"]


def test_a_rejected_token_is_not_saved_and_the_old_file_stays(
    at_plane: Running, zigttp: Cli, local_only: Path
) -> None:
    assert zigttp("login", "--token-stdin", stdin=at_plane.token).returncode == 0
    before = (local_only / "credentials").read_bytes()

    done = zigttp("login", "--token-stdin", stdin="ztp_not-a-real-token\n")

    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"error: {at_plane.url} rejected that access token: check it and try again "
        "(nothing was saved)"
    ]
    assert (local_only / "credentials").read_bytes() == before


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ("login", "--token-stdin", "--device"),
            "tok\n",
            "error: --token-stdin and --device do not go together: pick one",
        ),
        (("login", "--token-stdin"), "\n", "error: --token-stdin read no token"),
        (("login",), "", "error: stdin is not a terminal: pipe a token to"),
    ],
)
def test_login_usage_errors_exit_1_and_save_nothing(
    zigttp: Cli, local_only: Path, args: tuple[str, ...], stdin: str, message: str
) -> None:
    done = zigttp(*args, stdin=stdin)

    assert done.returncode == 1
    assert done.stderr.startswith(message)
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (local_only / "credentials").exists()


def test_logout_says_so_whether_or_not_there_was_a_sign_in(
    at_plane: Running, zigttp: Cli, local_only: Path
) -> None:
    assert zigttp("login", "--token-stdin", stdin=at_plane.token).returncode == 0
    saved = local_only / "credentials"

    first = zigttp("logout")
    second = zigttp("logout")
    with_env = zigttp("logout", env={"ZIGTTP_TOKEN": "ztp_x"})

    assert (first.returncode, first.stderr) == (0, f"signed out: removed {saved}\n")
    assert (second.returncode, second.stderr) == (
        0,
        f"signed out: there was no saved sign-in at {saved}\n",
    )
    assert not saved.exists()
    assert with_env.returncode == 0
    assert "warning: ZIGTTP_TOKEN is still set and signs you in" in with_env.stderr


def test_zigttp_token_is_used_instead_of_the_file(
    at_plane: Running, zigttp: Cli, local_only: Path
) -> None:
    local_only.mkdir()
    (local_only / "credentials").write_text('{"token": "ztp_stale", "email": "x"}')

    with_env = zigttp("grants", env={"ZIGTTP_TOKEN": at_plane.token})
    from_file = zigttp("grants")
    bad_env = zigttp("grants", env={"ZIGTTP_TOKEN": "ztp_stale"})

    assert with_env.returncode == 0, with_env.stderr
    assert from_file.returncode == 1
    assert "rejected the saved access token (expired or revoked)" in from_file.stderr
    assert bad_env.returncode == 1
    assert "rejected the token in ZIGTTP_TOKEN" in bad_env.stderr


def test_deploy_without_sign_in_and_without_a_terminal_says_how_to_sign_in(
    at_plane: Running, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "anonymous")

    done = zigttp("deploy", cwd=project)

    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "error: not signed in, and stdin is not a terminal to ask on: run "
        "`zigttp login --token-stdin` with a token on stdin (or set ZIGTTP_TOKEN)"
    ]
    assert not (project / ".zigttp").exists()


def test_r12_a_revoked_saved_token_says_sign_in_again_and_keeps_the_file(
    plane: Running, account: Account, zigttp: Cli, local_only: Path, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "revoked")
    before = (local_only / "credentials").read_bytes()
    digest = hashlib.sha256(account.token.encode()).hexdigest()
    with sqlite3.connect(plane.data_dir / "control-plane.db") as db:
        changed = db.execute(
            "update access_tokens set revoked_at = 1 where token_hash = ?", (digest,)
        ).rowcount
    assert changed == 1

    done = zigttp("deploy", cwd=project)

    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[-1] == (
        f"error: {plane.url} rejected the saved access token (expired or revoked): "
        "sign in again with `zigttp login`, or pipe a new token to "
        "`zigttp login --token-stdin`"
    )
    assert lines[0] == "proof review" and lines[-2].startswith("  verdict ")
    assert (local_only / "credentials").read_bytes() == before
    assert not (project / ".zigttp").exists()


def test_a_damaged_credentials_file_is_named(
    at_plane: Running, zigttp: Cli, local_only: Path
) -> None:
    local_only.mkdir()
    (local_only / "credentials").write_text("{not json")

    done = zigttp("grants")

    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"error: the saved sign-in at {local_only / 'credentials'} is damaged (not "
        "JSON with a token): run `zigttp logout`, then `zigttp login`"
    ]
