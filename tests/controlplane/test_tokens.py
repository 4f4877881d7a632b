"""Managing access tokens: list, revoke, and browser sessions that end with them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from .stack import ZIGTTP, Running

pytestmark = pytest.mark.slow


def token_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ZIGTTP), "control-plane", "token", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def token_id(plane: Running, email: str) -> str:
    listed = token_command("list", "--data-dir", str(plane.data_dir), "--email", email)
    assert listed.returncode == 0, listed.stderr
    rows = listed.stdout.splitlines()[1:]
    assert len(rows) == 1, listed.stdout
    return rows[0].split()[0]


def signed_in_browser(plane: Running, token: str) -> httpx.Client:
    """A browser stand-in that signed in on /login with `token`."""
    browser = httpx.Client(base_url=plane.url, trust_env=False, timeout=10)
    csrf = browser.get("/login").cookies["zigttp_csrf"]
    signed_in = browser.post(
        "/login", data={"csrf": csrf, "token": token, "next": "/device"}
    )
    assert signed_in.status_code == 303
    assert browser.get("/device").status_code == 200
    return browser


def test_tokens_are_listed_without_their_secret(plane: Running) -> None:
    token = plane.new_token("lister@example.com")

    listed = token_command(
        "list", "--data-dir", str(plane.data_dir), "--email", "Lister@Example.com"
    )

    assert listed.returncode == 0, listed.stderr
    header, row = listed.stdout.splitlines()
    assert header.split() == [
        "ID",
        "EMAIL",
        "LABEL",
        "CREATED",
        "LAST",
        "USED",
        "STATE",
    ]
    assert row.split()[0].startswith("tok_")
    assert row.split()[1:3] == ["lister@example.com", "cli"]
    assert row.split()[-2:] == ["never", "active"]
    assert token not in listed.stdout
    stored = plane.rows("select token_hash from access_tokens")
    assert all(value not in listed.stdout for (value,) in stored)


def test_a_revoked_token_is_refused_and_ends_its_browser_sessions(
    plane: Running,
) -> None:
    token = plane.new_token("revoked@example.com")
    other = plane.new_token("kept@example.com")
    browser = signed_in_browser(plane, token)
    unrelated = signed_in_browser(plane, other)
    revoked_id = token_id(plane, "revoked@example.com")

    revoked = token_command("revoke", revoked_id, "--data-dir", str(plane.data_dir))
    again = token_command("revoke", revoked_id, "--data-dir", str(plane.data_dir))
    page = browser.get("/device")
    verified = httpx.post(
        f"{plane.url}/v1/auth/token/verify",
        headers={"Authorization": f"Bearer {token}"},
    )
    listed = token_command(
        "list", "--data-dir", str(plane.data_dir), "--email", "revoked@example.com"
    )

    assert revoked.returncode == 0, revoked.stderr
    assert revoked.stderr == (
        f"revoked {revoked_id} of revoked@example.com (cli)\n"
        "ended 1 browser session(s) signed in with it\n"
    )
    assert again.stderr == f"{revoked_id} of revoked@example.com was revoked already\n"
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")
    assert verified.status_code == 401
    assert " revoked 20" in listed.stdout
    assert unrelated.get("/device").status_code == 200
    browser.close()
    unrelated.close()


def test_signing_out_ends_the_session_on_the_server(plane: Running) -> None:
    browser = signed_in_browser(plane, plane.new_token("leaver@example.com"))
    session = browser.cookies["zigttp_session"]
    csrf = browser.cookies["zigttp_csrf"]

    signed_out = browser.post("/logout", data={"csrf": csrf})
    with httpx.Client(base_url=plane.url, trust_env=False) as replay:
        replay.cookies.set("zigttp_session", session)
        page = replay.get("/device")
    browser.close()

    assert signed_out.status_code == 303
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")


def test_revoking_an_unknown_token_is_one_line(plane: Running) -> None:
    failed = token_command("revoke", "tok_nothing", "--data-dir", str(plane.data_dir))

    assert failed.returncode == 1
    assert failed.stderr == (
        "error: there is no token 'tok_nothing': list them with "
        "`zigttp control-plane token list`\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ("create", "--email", "a@b.c"),
        ("list",),
        ("revoke", "tok_0123"),
    ],
)
def test_a_folder_without_a_control_plane_is_refused(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    folder = tmp_path / "nothing-here"

    failed = token_command(*args, "--data-dir", str(folder))

    assert failed.returncode == 1
    assert failed.stdout == ""
    assert failed.stderr == (
        f"error: {folder} holds no control plane: pass the --data-dir (or "
        "ZIGTTP_CP_DATABASE_URL) that `zigttp control-plane dev` or `serve` uses\n"
    )
    assert not folder.exists()
