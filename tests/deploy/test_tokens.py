"""Access tokens and the control plane URL are checked before anything is sent,
and no message ever shows a token, a header value or a password."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.controlplane.stack import Running
from zigttp.deploy.client import ControlPlane, control_plane_url
from zigttp.errors import InputError, TransportError, UsageError

from .conftest import Cli, environment, make_project
from .standins import Reply, StandIn

SECRET = "ztp_Secret0123456789"
BAD_TOKENS = [
    pytest.param(f"{SECRET}\r\nsecond-line", "a line break at character 21", id="crlf"),
    pytest.param(f"{SECRET}\nsecond-line", "a line break at character 21", id="lf"),
    pytest.param(f"{SECRET} more", "a space at character 21", id="space"),
    pytest.param(f"{SECRET}\tmore", "a tab at character 21", id="tab"),
    pytest.param(f"{SECRET}\x1bmore", "a control character at character 21", id="esc"),
    pytest.param(f"{SECRET}é", "a non-ASCII character at character 21", id="e-acute"),
    pytest.param(f"{SECRET}€", "a non-ASCII character at character 21", id="euro"),
]


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.fixture
def counting() -> Iterator[StandIn]:
    """A control plane that accepts every token, and counts what reached it."""
    with StandIn(lambda request: Reply(200, {"email": "x@example.test"})) as standin:
        yield standin


@pytest.mark.parametrize(("token", "problem"), BAD_TOKENS)
def test_a_bad_zigttp_token_stops_deploy_before_anything_is_sent(
    counting: StandIn, zigttp: Cli, tmp_path: Path, token: str, problem: str
) -> None:
    project = make_project(tmp_path, "tokened")
    env = {"ZIGTTP_CONTROL_PLANE_URL": counting.url, "ZIGTTP_TOKEN": token}

    done = zigttp("deploy", cwd=project, env=env)

    assert done.returncode == 1
    assert one_line(done.stderr) == (
        f"error: ZIGTTP_TOKEN holds {problem}, and an access token is printable "
        "ASCII without spaces: set ZIGTTP_TOKEN to the token alone (nothing was "
        "sent)"
    )
    assert SECRET not in done.stderr + done.stdout
    assert counting.requests == []
    assert not (project / ".zigttp").exists()


ONE_LINE_TOKENS = [
    pytest.param(f"{SECRET}\rmore", "a line break at character 21", id="cr"),
    *BAD_TOKENS[2:],
]


@pytest.mark.parametrize(("token", "problem"), ONE_LINE_TOKENS)
def test_a_bad_token_on_stdin_is_refused_and_nothing_is_saved(
    counting: StandIn, zigttp: Cli, local_only: Path, token: str, problem: str
) -> None:
    env = {"ZIGTTP_CONTROL_PLANE_URL": counting.url}

    done = zigttp("login", "--token-stdin", stdin=f"{token}\n", env=env)

    assert done.returncode == 1
    assert one_line(done.stderr) == (
        f"error: the token read by --token-stdin holds {problem}, and an access "
        "token is printable ASCII without spaces: give the token alone on one "
        "line (nothing was sent or saved)"
    )
    assert SECRET not in done.stderr
    assert counting.requests == []
    assert not (local_only / "credentials").exists()


def test_a_token_line_that_is_not_utf8_is_refused_in_one_line(
    counting: StandIn, build_cache: Path, local_only: Path
) -> None:
    env = environment(build_cache, {"ZIGTTP_CONTROL_PLANE_URL": counting.url})
    done = subprocess.run(
        [sys.executable, "-m", "zigttp", "login", "--token-stdin"],
        input=SECRET.encode() + b"\xff\xfe\n",
        env=env,
        capture_output=True,
        check=False,
    )

    assert done.returncode == 1
    assert "a non-ASCII character at character 21" in one_line(done.stderr.decode())
    assert counting.requests == []


@pytest.mark.parametrize(("token", "problem"), BAD_TOKENS)
def test_a_bad_token_in_the_credentials_file_is_named_not_shown(
    counting: StandIn, zigttp: Cli, local_only: Path, token: str, problem: str
) -> None:
    local_only.mkdir()
    saved = local_only / "credentials"
    saved.write_text(json.dumps({"token": token, "email": "x@example.test"}))

    done = zigttp("grants", env={"ZIGTTP_CONTROL_PLANE_URL": counting.url})

    assert done.returncode == 1
    assert one_line(done.stderr) == (
        f"error: the saved access token in {saved} holds {problem}, and an access "
        "token is printable ASCII without spaces: run `zigttp logout`, then "
        "`zigttp login`"
    )
    assert SECRET not in done.stderr
    assert counting.requests == []


@pytest.mark.parametrize(("token", "problem"), BAD_TOKENS)
def test_the_client_refuses_a_token_no_header_can_carry(
    token: str, problem: str
) -> None:
    with pytest.raises(InputError) as raised:
        ControlPlane("http://127.0.0.1:9", token)

    assert problem in raised.value.message
    assert SECRET not in raised.value.message


@pytest.fixture
def echoing_garbage() -> Iterator[str]:
    """A server that answers with a broken header line quoting our Authorization."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                request = connection.recv(65536).decode("latin-1")
                sent = [
                    line.split(":", 1)[1].strip()
                    for line in request.split("\r\n")
                    if line.lower().startswith("authorization:")
                ]
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\n"
                    + f"no colon here {' '.join(sent)}\r\n".encode("latin-1")
                    + b"Content-Length: 2\r\n\r\n{}"
                )

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    listener.close()


def test_a_transport_error_never_quotes_header_values(echoing_garbage: str) -> None:
    plane = ControlPlane(echoing_garbage, SECRET)
    with plane, pytest.raises(TransportError) as raised:
        plane.verify_token()

    assert SECRET not in str(raised.value)
    assert str(raised.value) == (
        f"verify the access token: cannot reach {echoing_garbage}"
        "/v1/auth/token/verify: the answer was not valid HTTP"
    )


@pytest.mark.parametrize(
    "value",
    [
        "http://alice:hunter2-pw@127.0.0.1:8700",
        "https://alice:hunter2-pw@control.example.com",
        "http://:hunter2-pw@127.0.0.1:8700/base",
        "http://hunter2-pw@127.0.0.1:8700",
        "ftp://alice:hunter2-pw@127.0.0.1",
        "http://alice:hunter2-pw@[::1",
    ],
)
def test_a_control_plane_url_with_a_password_is_refused_without_showing_it(
    value: str,
) -> None:
    with pytest.raises(UsageError) as raised:
        control_plane_url({"ZIGTTP_CONTROL_PLANE_URL": value})

    assert "hunter2" not in raised.value.message
    assert "holds a user name or password: remove it" in raised.value.message


def test_deploy_with_a_password_in_the_control_plane_url_is_one_line(
    plane: Running, zigttp: Cli, tmp_path: Path
) -> None:
    project = make_project(tmp_path, "userinfo")
    url = plane.url.replace("http://", "http://alice:hunter2-pw@")

    done = zigttp(
        "deploy",
        cwd=project,
        env={"ZIGTTP_CONTROL_PLANE_URL": url, "ZIGTTP_TOKEN": plane.token},
    )

    assert done.returncode == 1
    line = one_line(done.stderr)
    assert line.startswith("error: ZIGTTP_CONTROL_PLANE_URL='http://...@127.0.0.1:")
    assert "hunter2" not in done.stderr
    assert not (project / ".zigttp").exists()
