"""Text from the control plane reaches the terminal cleaned: plan ids, reasons,
URLs, emails, messages and log lines lose their control characters, on stderr
and on stdout, so a hostile server cannot clear the screen or retitle it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.controlplane.stack import Running
from zigttp.deploy import server_text

from .conftest import Account, Cli, Done, make_project
from .standins import Reply, Request, StandIn, forward, forwarding

ESC = "\x1b"
CLEAR = f"{ESC}[2J"
TITLE = f"{ESC}]0;owned{chr(7)}"
CSI = "\x9b"
HOSTILE = f"a{CLEAR}b{TITLE}c\r\nd{CSI}e\u202ef"
SHOWN = "a?[2Jb?]0;owned?c  d?e?f"


def assert_clean(done: Done) -> None:
    for text in (done.stdout, done.stderr):
        assert not [ch for ch in text if ch != "\n" and not ch.isprintable()], text
    assert "owned" not in done.stdout or "?]0;owned?" in done.stdout


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (HOSTILE, SHOWN),
        ("  pln_0123  ", "pln_0123"),
        ("tab\there", "tab here"),
        ("x" * 400, "x" * 297 + "..."),
        (42, "42"),
    ],
)
def test_clean_replaces_control_characters_and_bounds_the_length(
    value: Any, shown: str
) -> None:
    assert server_text.clean(value) == shown


def test_log_lines_keep_their_indentation() -> None:
    assert (
        server_text.line(f"    at main (x.js:1){CLEAR}  ") == "    at main (x.js:1)?[2J"
    )


def hostile_review(request: Request) -> Reply:
    return Reply(
        202,
        {
            "planId": f"pln_{CLEAR}x",
            "reviewUrl": f"http://127.0.0.1:9/plans/x{TITLE}",
            "grantCoverage": {
                "coveredReasons": [f"route GET /a{CLEAR} added\nfake line"],
                "uncoveredReasons": [f"egress host {TITLE}evil.example added"],
            },
        },
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path, "hostile")


def test_a_hostile_review_answer_is_shown_cleaned(
    plane: Running, account: Account, zigttp: Cli, project: Path
) -> None:
    overrides = {"/v1/deploy/session": hostile_review}
    with StandIn(forwarding(plane.url, overrides)) as standin:
        done = zigttp(
            "deploy", cwd=project, env={"ZIGTTP_CONTROL_PLANE_URL": standin.url}
        )

    assert done.returncode == 5, done.stderr
    assert_clean(done)
    lines = done.stderr.splitlines()
    assert "  blocks    review of plan pln_?[2Jx" in lines
    assert "  review    http://127.0.0.1:9/plans/x?]0;owned?" in lines
    assert re.search(
        r"^ +route GET /a\?\[2J added fake line +covered-by-grant$",
        done.stderr,
        re.MULTILINE,
    ), done.stderr


@pytest.fixture
def hostile_release(plane: Running) -> Iterator[StandIn]:
    """The release answer's URL and the status answers carry escape codes."""

    def release(request: Request) -> Reply:
        reply = forward(plane.url, request)
        assert isinstance(reply.body, dict)
        reply.body["url"] = f"http://hostile.localhost/{TITLE}"
        return reply

    def status(request: Request) -> Reply:
        reply = forward(plane.url, request)
        assert isinstance(reply.body, dict)
        reply.body["status"] = "failed"
        reply.body["message"] = f"exited{CLEAR} with code 1"
        reply.body["logTail"] = [f"  first{TITLE}", f"second\r\n{CLEAR}third"]
        return reply

    overrides = {"/v1/deploy/release": release, "/v1/services/": status}
    with StandIn(forwarding(plane.url, overrides)) as standin:
        yield standin


def test_a_hostile_url_on_stdout_is_cleaned(
    account: Account, zigttp: Cli, project: Path, hostile_release: StandIn
) -> None:
    env = {"ZIGTTP_CONTROL_PLANE_URL": hostile_release.url}

    done = zigttp("deploy", "--no-wait", cwd=project, env=env)

    assert done.returncode == 0, done.stderr
    assert_clean(done)
    assert done.stdout == "http://hostile.localhost/?]0;owned?\n"


def test_a_hostile_failure_message_and_log_tail_are_cleaned(
    account: Account, zigttp: Cli, project: Path, hostile_release: StandIn
) -> None:
    env = {"ZIGTTP_CONTROL_PLANE_URL": hostile_release.url}

    done = zigttp("deploy", cwd=project, env=env)

    assert done.returncode == 4, done.stderr
    assert_clean(done)
    assert done.stderr.splitlines()[-4:] == [
        "error: http://hostile.localhost/?]0;owned? failed to start: exited?[2J "
        "with code 1",
        "last log lines:",
        "  |   first?]0;owned?",
        "  | second  ?[2Jthird",
    ]


def scripted_plane(routes: dict[str, Reply]) -> StandIn:
    """A control plane that accepts any token and answers `routes` by path prefix."""

    def answer(request: Request) -> Reply:
        if request.path == "/v1/auth/token/verify":
            return Reply(200, {"email": f"mallory{CLEAR}@example.test"})
        for prefix, reply in routes.items():
            if request.path.startswith(prefix):
                return reply
        return Reply(404, {"error": "not_found", "message": f"no{TITLE}"})

    return StandIn(answer)


PLAN = {
    "planId": f"pln_{CLEAR}1",
    "projectName": f"proj{TITLE}",
    "status": "pending",
    "createdAt": f"2025-01-01T00:00:00Z{CLEAR}",
    "expiresAt": "2025-01-02T00:00:00Z",
    "reviewUrl": f"http://127.0.0.1:9/plans/1{TITLE}",
    "baselineSha": "a" * 64,
    "proposedSha": f"b{CLEAR}",
    "diff": {"reasons": [f"egress host x{CLEAR} added", "route GET /y added"]},
    "grantCoverage": {
        "coveredReasons": ["route GET /y added"],
        "uncoveredReasons": [f"egress host x{CLEAR} added"],
    },
}
GRANT = {
    "grantId": f"grt_{CLEAR}1",
    "projectName": f"proj{TITLE}",
    "planId": "pln_1",
    "capabilities": [f"egress host x{CLEAR} added"],
    "createdAt": "2025-01-01T00:00:00Z",
    "expiresAt": None,
    "revokedAt": None,
}


@pytest.mark.parametrize(
    ("args", "routes", "expected"),
    [
        (
            ("review", "pln_1"),
            {"/v1/deploy/plans/": Reply(200, PLAN)},
            ["plan      pln_?[2J1", "project   proj?]0;owned?"],
        ),
        (
            ("review", "pln_1", "--approve", "--grant"),
            {"/v1/deploy/plans/": Reply(200, {**PLAN, "grant": GRANT})},
            ["approved plan pln_?[2J1 and granted 1 capability to proj?]0;owned?"],
        ),
        (
            ("grants",),
            {"/v1/grants": Reply(200, {"grants": [GRANT]})},
            ["grt_?[2J1  proj?]0;owned?  egress host x?[2J added"],
        ),
        (
            ("revoke-grant", "grt_1"),
            {"/v1/grants/": Reply(200, GRANT)},
            ["revoked grant grt_?[2J1 of proj?]0;owned?: egress host x?[2J added"],
        ),
        (
            ("review", "pln_404"),
            {},
            ["error: read a plan: control plane answered 404: no plan 'pln_404'"],
        ),
        (
            ("grants",),
            {"/v1/grants": Reply(500, {"error": "x", "message": f"down{TITLE}"})},
            ["error: list grants: control plane answered 500: down?]0;owned?"],
        ),
    ],
)
def test_review_and_grants_show_hostile_answers_cleaned(
    zigttp: Cli, args: tuple[str, ...], routes: dict[str, Reply], expected: list[str]
) -> None:
    with scripted_plane(routes) as standin:
        done = zigttp(
            *args,
            env={"ZIGTTP_CONTROL_PLANE_URL": standin.url, "ZIGTTP_TOKEN": "ztp_x"},
        )

    assert_clean(done)
    shown = done.stdout + done.stderr
    for text in expected:
        assert text in shown, shown


def test_a_hostile_email_and_device_code_are_cleaned_at_sign_in(
    zigttp: Cli, local_only: Path
) -> None:
    routes = {
        "/v1/auth/device/start": Reply(
            200,
            {
                "deviceCode": "secret",
                "userCode": f"AB{CLEAR}CD",
                "verificationUrl": f"http://127.0.0.1:9/device{TITLE}",
                "intervalSeconds": 1,
                "expiresInSeconds": 30,
            },
        ),
        "/v1/auth/device/poll": Reply(200, {"token": "ztp_ok", "email": "x"}),
    }
    with scripted_plane(routes) as standin:
        piped = zigttp(
            "login",
            "--token-stdin",
            stdin="ztp_ok\n",
            env={"ZIGTTP_CONTROL_PLANE_URL": standin.url},
        )
        device = zigttp(
            "login", "--device", env={"ZIGTTP_CONTROL_PLANE_URL": standin.url}
        )

    assert piped.returncode == 0, piped.stderr
    assert_clean(piped)
    assert " as mallory?[2J@example.test; saved to " in piped.stderr
    assert device.returncode == 0, device.stderr
    assert_clean(device)
    assert device.stderr.splitlines()[0] == (
        "to sign in, open http://127.0.0.1:9/device?]0;owned? and enter the code "
        "AB?[2JCD"
    )
