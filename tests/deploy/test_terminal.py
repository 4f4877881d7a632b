"""Sign-in on a terminal, through a pseudo-terminal: the hidden prompt, browser
sign-in after an empty answer (approved in headless Chromium), and a rejected
saved token leading back to the prompt."""

from __future__ import annotations

import hashlib
import os
import re
import select
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.controlplane.stack import Running, require_tool
from tests.controlplane.test_pages import CHROMIUM_FLAGS

from .conftest import (
    NEVER_LISTENS,
    Account,
    Mounts,
    environment,
    make_project,
    read_state,
)

PROMPT = "Access token (press Enter to sign in with a browser):"


class Terminal:
    """`zigttp` on a pseudo-terminal: stdin, stdout and stderr are all the tty."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str]) -> None:
        master, slave = os.openpty()
        self.master = master
        self.process = subprocess.Popen(
            [sys.executable, "-m", "zigttp", *args],
            cwd=cwd,
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
        )
        os.close(slave)
        self.output = ""

    def expect(self, pattern: str, timeout: float = 30.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while True:
            found = re.search(pattern, self.output)
            if found:
                return found
            left = deadline - time.monotonic()
            assert left > 0, f"no {pattern!r} in:\n{self.output}"
            ready, _, _ = select.select([self.master], [], [], min(left, 0.5))
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:
                    chunk = b""
                assert chunk or self.process.poll() is None, self.output
                self.output += chunk.decode("utf-8", "replace")

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def finish(self, timeout: float = 60.0) -> int:
        """Read everything until the process exits; its exit code."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            chunk = b""
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:
                    chunk = b""
                self.output += chunk.decode("utf-8", "replace")
            if not chunk and self.process.poll() is not None:
                break
        os.close(self.master)
        return self.process.wait(timeout=10)


@pytest.fixture
def terminal(build_cache: Path, tmp_path: Path) -> Iterator[Any]:
    started: list[Terminal] = []

    def start(*args: str, cwd: Path = tmp_path, **extra: str) -> Terminal:
        env = environment(build_cache, {"TERM": "dumb", **extra})
        opened = Terminal(list(args), cwd, env)
        started.append(opened)
        return opened

    yield start
    for opened in started:
        if opened.process.poll() is None:
            opened.process.kill()
            opened.process.wait()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Debian's Chromium through playwright; it never downloads a browser."""
    chromium = require_tool("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_FLAGS,
        )
        yield context
        context.close()


def test_the_token_prompt_hides_what_is_typed(
    plane: Running, terminal: Any, local_only: Path
) -> None:
    session = terminal("login", ZIGTTP_CONTROL_PLANE_URL=plane.url)
    session.expect(re.escape(PROMPT))
    session.send(f"{plane.token}\n")

    code = session.finish()

    assert code == 0, session.output
    assert "signed in to" in session.output and "as dev@localhost" in session.output
    assert plane.token not in session.output
    assert plane.token in (local_only / "credentials").read_text()


def test_an_empty_answer_starts_browser_sign_in_approved_in_chromium(
    plane: Running, terminal: Any, browser: Any, local_only: Path
) -> None:
    session = terminal("login", ZIGTTP_CONTROL_PLANE_URL=plane.url)
    session.expect(re.escape(PROMPT))
    session.send("\n")
    shown = session.expect(r"open (\S+) and enter the code ([A-Z0-9]{4}-[A-Z0-9]{4})")
    url, user_code = shown.group(1), shown.group(2)
    session.expect(r"waiting for approval")

    page = browser.new_page()
    page.goto(url)
    page.fill("#token", plane.token)
    page.click("#sign-in")
    page.wait_for_url(f"{plane.url}/device")
    page.fill("#user_code", user_code)
    page.click("#approve")
    approved = page.text_content("#message")
    page.close()
    code = session.finish()

    assert url == f"{plane.url}/device"
    assert "Approved" in (approved or "")
    assert code == 0, session.output
    assert "as dev@localhost" in session.output
    saved = (local_only / "credentials").read_text()
    assert '"email": "dev@localhost"' in saved
    assert "opened the page in your browser" not in session.output


def test_r12_a_revoked_token_on_a_terminal_leads_back_to_the_prompt(
    plane: Running, account: Account, terminal: Any, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "prompted", handler=NEVER_LISTENS, env=None)
    digest = hashlib.sha256(account.token.encode()).hexdigest()
    with sqlite3.connect(plane.data_dir / "control-plane.db") as db:
        db.execute(
            "update access_tokens set revoked_at = 1 where token_hash = ?", (digest,)
        )
    fresh = plane.new_token(account.email)

    session = terminal("deploy", "--no-wait", cwd=project)
    session.expect("the saved access token was rejected")
    session.expect(re.escape(PROMPT))
    session.send(f"{fresh}\n")
    code = session.finish(timeout=120)

    assert code == 0, session.output
    assert read_state(project)["prompted"]["serviceId"]
    assert fresh not in session.output


def test_login_token_stdin_on_a_terminal_reads_the_token_hidden(
    plane: Running, terminal: Any, local_only: Path
) -> None:
    session = terminal("login", "--token-stdin", ZIGTTP_CONTROL_PLANE_URL=plane.url)
    session.expect(re.escape("Access token:"))
    session.send(f"{plane.token}\n")

    code = session.finish()

    assert code == 0, session.output
    assert "as dev@localhost" in session.output
    assert plane.token not in session.output
    assert plane.token in (local_only / "credentials").read_text()


def test_a_prompted_token_with_a_non_ascii_character_is_one_line(
    plane: Running, terminal: Any, local_only: Path
) -> None:
    session = terminal("login", ZIGTTP_CONTROL_PLANE_URL=plane.url)
    session.expect(re.escape(PROMPT))
    session.send("ztp_Secret0123456789\u20ac\n")

    code = session.finish()

    assert code == 1, session.output
    assert session.output.strip().splitlines()[-1] == (
        "error: that access token holds a non-ASCII character at character 21, and "
        "an access token is printable ASCII without spaces: paste the token alone "
        "(nothing was sent)"
    )
    assert "Secret0123456789" not in session.output
    assert "Traceback" not in session.output
    assert not (local_only / "credentials").exists()


def test_deploy_on_a_terminal_with_a_read_only_home_warns_and_goes_on(
    plane: Running, account: Account, terminal: Any, mounts: Mounts, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "homeless", handler=NEVER_LISTENS, env=None)
    home = mounts.read_only(mounts.tmpfs(tmp_path / "read-only-home"))

    session = terminal("deploy", "--no-wait", cwd=project, ZIGTTP_HOME=str(home))
    session.expect(re.escape(PROMPT))
    session.send(f"{account.token}\n")
    code = session.finish(timeout=120)

    assert code == 0, session.output
    assert (
        f"warning: cannot save the sign-in to {home / 'credentials'}: Read-only file "
        "system: "
    ) in session.output
    assert "; signed in for this command only" in session.output
    assert read_state(project)["homeless"]["serviceId"]
    assert account.token not in session.output
