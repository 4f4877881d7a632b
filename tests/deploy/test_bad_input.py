"""Bad input and bad peers: one-line errors, exit 1, and no damaged files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.controlplane.stack import Running, free_port

from .conftest import HELLO, Account, Cli, make_project
from .standins import Reply, StandIn, forwarding


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize(
    ("dotenv", "message"),
    [
        ("GREETING=hi\nnot a line\n", ".env:2: expected KEY=value (or a # comment)"),
        ("\n# fine\n1ST=x\n", ".env:3: '1ST' is not a valid name: use letters, digits"),
        ('GREETING="open\n', '.env:1: the value opens a " quote it never closes'),
        ("export =x\r\n", ".env:1: '' is not a valid name"),
        (
            "GREETING=hi\nNUL=a\0b\n",
            ".env:2: the value holds a control character (0x00): environment "
            "values cannot carry it",
        ),
        (
            "GREETING=a\x1b[2Jb\n",
            ".env:1: the value holds a control character (0x1b)",
        ),
        (
            "".join(f"NAME_{n}=x\n" for n in range(201)),
            ".env:201: more than 200 variables: a release carries at most",
        ),
        (
            "GREETING=hi\nBIG=" + "x" * (32 * 1024 + 1) + "\n",
            ".env:2: the value is longer than 32768 bytes",
        ),
    ],
)
def test_a_malformed_dotenv_line_stops_before_anything_is_built_or_sent(
    zigttp: Cli, tmp_path: Path, local_only: Path, dotenv: str, message: str
) -> None:
    project = make_project(tmp_path, "bad-env", env=dotenv)

    done = zigttp("deploy", cwd=project, env={"ZIGTTP_TOKEN": "ztp_unused"})

    assert done.returncode == 1
    assert one_line(done.stderr).startswith(message)
    assert "\0" not in done.stderr and "\x1b" not in done.stderr
    assert not (project / ".zigttp").exists()


MISSING_ENV = """\
import { env } from "zigttp:env";

export default function handler(request: Request): Response {
  return Response.json({ a: env("API_KEY"), b: env("GREETING"), c: env("ZONE") });
}
"""


@pytest.mark.parametrize(
    ("dotenv", "missing", "message"),
    [
        (
            None,
            "API_KEY, GREETING, ZONE",
            "error: handler.ts reads API_KEY, GREETING, ZONE, which .env does not "
            "set: add them to .env (nothing was built or sent)",
        ),
        (
            "GREETING=hi\nAPI_KEY=\n",
            "ZONE",
            "error: handler.ts reads ZONE, which .env does not set: add it to .env "
            "(nothing was built or sent)",
        ),
    ],
)
def test_env_names_the_contract_reads_must_be_in_dotenv_before_anything_is_sent(
    plane: Running,
    account: Account,
    zigttp: Cli,
    tmp_path: Path,
    dotenv: str | None,
    missing: str,
    message: str,
) -> None:
    project = make_project(tmp_path, "unset-env", handler=MISSING_ENV, env=dotenv)

    with StandIn(forwarding(plane.url, {})) as standin:
        done = zigttp(
            "deploy", cwd=project, env={"ZIGTTP_CONTROL_PLANE_URL": standin.url}
        )

    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[-2:] == [f"  blocks    {missing} missing from .env", message]
    assert lines[-3].startswith("  verdict ")
    assert standin.requests == []
    assert not (project / ".zigttp").exists()


@pytest.mark.parametrize(
    ("folder", "package_name", "message"),
    [
        (
            "named",
            "@@@",
            "error: the project name '@@@' from package.json has no letters or digits",
        ),
        (
            "___",
            None,
            "error: the project name '___' from the directory name has no letters",
        ),
    ],
)
def test_a_project_without_a_usable_name_is_refused(
    zigttp: Cli, tmp_path: Path, folder: str, package_name: str | None, message: str
) -> None:
    project = tmp_path / folder
    project.mkdir()
    (project / "handler.ts").write_text(HELLO)
    if package_name is not None:
        (project / "package.json").write_text(json.dumps({"name": package_name}))

    done = zigttp("deploy", cwd=project, env={"ZIGTTP_TOKEN": "ztp_unused"})

    assert done.returncode == 1
    assert one_line(done.stderr).startswith(message)


def test_a_folder_without_a_handler_names_the_eight_paths(
    zigttp: Cli, tmp_path: Path
) -> None:
    done = zigttp("deploy", cwd=tmp_path, env={"ZIGTTP_TOKEN": "ztp_unused"})

    assert done.returncode == 1
    line = one_line(done.stderr)
    assert line.startswith(f"error: no handler found in {tmp_path} (tried handler.ts,")
    assert "src/handler.js" in line


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (b"export default function handler(r) {\n  return \xff;\n}\n", "handler.ts:2:"),
        (b"export default function handler( {\n", "handler.ts:1:"),
    ],
)
def test_a_handler_that_cannot_be_read_or_parsed_stops_before_the_session(
    plane: Running,
    account: Account,
    zigttp: Cli,
    tmp_path: Path,
    source: bytes,
    message: str,
) -> None:
    project = make_project(tmp_path, "unreadable")
    (project / "handler.ts").write_bytes(source)
    query = "select count(*) from audit_events where action = 'session.open'"
    sessions_before = plane.rows(query)

    done = zigttp("deploy", cwd=project)

    assert done.returncode == 1
    assert one_line(done.stderr).startswith(message)
    assert plane.rows(query) == sessions_before


def test_a_control_plane_that_is_down_is_one_line_and_damages_nothing(
    plane: Running, account: Account, zigttp: Cli, tmp_path: Path, local_only: Path
) -> None:
    project = make_project(tmp_path, "down")
    assert zigttp("deploy", "--no-wait", cwd=project).returncode == 0
    state = (project / ".zigttp" / "deploy-state.json").read_bytes()
    saved = (local_only / "credentials").read_bytes()
    nowhere = f"http://127.0.0.1:{free_port()}"

    done = zigttp("deploy", cwd=project, env={"ZIGTTP_CONTROL_PLANE_URL": nowhere})

    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[-1].startswith(
        f"error: verify the access token: cannot reach {nowhere}/v1/auth/token/verify: "
    )
    assert lines[-2].startswith("  verdict ")
    assert "Traceback" not in done.stderr
    assert (project / ".zigttp" / "deploy-state.json").read_bytes() == state
    assert (local_only / "credentials").read_bytes() == saved


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (
            Reply(500, b"Internal Server Error"),
            "error: open a deploy session: control plane answered 500: "
            "Internal Server Error (no JSON error body)",
        ),
        (
            Reply(500, {"error": "internal", "message": "the control plane failed"}),
            "error: open a deploy session: control plane answered 500: "
            "the control plane failed",
        ),
        (
            Reply(200, b"<html>a captive portal</html>"),
            "error: open a deploy session: control plane answered 200: the answer "
            "is not a JSON object",
        ),
    ],
)
def test_an_error_from_the_control_plane_is_one_line_and_damages_nothing(
    plane: Running,
    account: Account,
    zigttp: Cli,
    tmp_path: Path,
    local_only: Path,
    reply: Reply,
    message: str,
) -> None:
    project = make_project(tmp_path, "server-error")
    assert zigttp("deploy", "--no-wait", cwd=project).returncode == 0
    state = (project / ".zigttp" / "deploy-state.json").read_bytes()
    saved = (local_only / "credentials").read_bytes()
    (project / "handler.ts").write_text(HELLO.replace("version: 1", "version: 3"))

    broken = {"/v1/deploy/session": lambda request: reply}
    with StandIn(forwarding(plane.url, broken)) as standin:
        done = zigttp(
            "deploy", cwd=project, env={"ZIGTTP_CONTROL_PLANE_URL": standin.url}
        )

    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[-1].startswith(message)
    assert lines[-2].startswith("  verdict ")
    assert (project / ".zigttp" / "deploy-state.json").read_bytes() == state
    assert (local_only / "credentials").read_bytes() == saved
    assert account.token not in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--region", "Mars Base"), "error: --region 'Mars Base' is not a region name"),
        (("--region", "mars"), "region 'mars' is not known; known regions: us-central"),
    ],
)
def test_a_bad_region_is_refused(
    plane: Running,
    account: Account,
    zigttp: Cli,
    tmp_path: Path,
    args: tuple[str, ...],
    message: str,
) -> None:
    project = make_project(tmp_path, "regional")

    done = zigttp("deploy", *args, cwd=project)

    assert done.returncode == 1
    assert message in done.stderr.strip().splitlines()[-1]
    assert not (project / ".zigttp" / "deploy-state.json").exists()
