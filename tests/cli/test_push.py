"""zigttp push and inspect REF against the real registry, in every auth mode."""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import AuthRegistry

from .conftest import RunCli

Built = tuple[Path, str]


@pytest.fixture
def hello_image(run_cli: RunCli, example) -> Built:
    project = example("hello")
    done = run_cli("build", str(project))
    assert done.returncode == 0, done.stderr
    return project / ".zigttp" / "image", done.stdout.strip()


def skopeo_digest(run_tool: Callable[..., object], ref: str, creds: str | None) -> str:
    args = ["skopeo", "inspect", "--tls-verify=false", f"docker://{ref}"]
    if creds:
        args.insert(2, f"--creds={creds}")
    done = run_tool(*args)
    return str(json.loads(done.stdout)["Digest"])  # type: ignore[attr-defined]


def summary(stderr: str) -> str:
    return [line for line in stderr.splitlines() if line.startswith("pushed ")][-1]


@pytest.mark.parametrize("kind", ["basic_registry", "token_registry"])
def test_push_with_password_from_stdin(
    run_cli: RunCli,
    hello_image: Built,
    request: pytest.FixtureRequest,
    run_tool: Callable[..., object],
    kind: str,
) -> None:
    layout, digest = hello_image
    target: AuthRegistry = request.getfixturevalue(kind)
    ref = f"{target.server.host}/team/hello:1"
    user, password = target.pusher.username, target.pusher.password

    done = run_cli(
        "push", str(layout), ref, "-u", user, "--password-stdin", stdin=password + "\n"
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == digest
    assert summary(done.stderr).startswith(f"pushed {ref}: 2 uploaded")
    assert password not in done.stderr + done.stdout
    assert skopeo_digest(run_tool, ref, f"{user}:{password}") == digest


def test_anonymous_push_then_repush_uploads_nothing(
    run_cli: RunCli, hello_image: Built, open_registry, run_tool
) -> None:
    layout, digest = hello_image
    ref = f"{open_registry.host}/x/hello:1"

    first = run_cli("push", str(layout), ref)
    again = run_cli("push", str(layout), ref)

    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert first.stdout.strip() == again.stdout.strip() == digest
    assert "2 uploaded" in summary(first.stderr)
    assert "0 uploaded (0 B), 0 mounted, 2 skipped" in summary(again.stderr)
    assert skopeo_digest(run_tool, ref, None) == digest


def test_a_second_repository_mounts_the_blobs(
    run_cli: RunCli, hello_image: Built, open_registry
) -> None:
    layout, _ = hello_image
    host = open_registry.host

    assert run_cli("push", str(layout), f"{host}/one/hello:1").returncode == 0
    done = run_cli("push", str(layout), f"{host}/two/hello:1")

    assert done.returncode == 0, done.stderr
    assert ": 0 uploaded (0 B), 2 mounted, 0 skipped" in summary(done.stderr)


def test_credentials_from_environment_and_docker_config(
    run_cli: RunCli, hello_image: Built, basic_registry: AuthRegistry, tmp_path: Path
) -> None:
    layout, digest = hello_image
    host = basic_registry.server.host
    user, password = basic_registry.pusher.username, basic_registry.pusher.password

    from_env = run_cli(
        "push",
        str(layout),
        f"{host}/env/hello:1",
        env={"ZIGTTP_REGISTRY_USERNAME": user, "ZIGTTP_REGISTRY_PASSWORD": password},
    )
    config = tmp_path / "docker"
    config.mkdir()
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    (config / "config.json").write_text(json.dumps({"auths": {host: {"auth": auth}}}))
    from_file = run_cli(
        "push", str(layout), f"{host}/file/hello:1", env={"DOCKER_CONFIG": str(config)}
    )

    assert from_env.returncode == 0, from_env.stderr
    assert from_file.returncode == 0, from_file.stderr
    assert from_env.stdout.strip() == from_file.stdout.strip() == digest


def one_line_failure(done) -> str:  # type: ignore[no-untyped-def]
    assert done.returncode == 1
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_a_wrong_password_is_one_line_without_the_password(
    run_cli: RunCli, hello_image: Built, basic_registry: AuthRegistry
) -> None:
    layout, _ = hello_image
    ref = f"{basic_registry.server.host}/team/hello:1"

    done = run_cli(
        "push",
        str(layout),
        ref,
        "-u",
        "bob",
        "--password-stdin",
        stdin="not-the-password\n",
    )

    line = one_line_failure(done)
    assert "401" in line
    assert "not-the-password" not in done.stderr


def test_a_token_without_push_rights_is_refused(
    run_cli: RunCli, hello_image: Built, token_registry: AuthRegistry
) -> None:
    layout, _ = hello_image
    reader = token_registry.reader
    assert reader is not None
    ref = f"{token_registry.server.host}/team/hello:1"

    done = run_cli(
        "push",
        str(layout),
        ref,
        "-u",
        reader.username,
        "--password-stdin",
        stdin=reader.password,
    )

    line = one_line_failure(done)
    assert "denied" in line.lower() or "401" in line or "403" in line


def test_an_unreachable_registry_is_one_line(
    run_cli: RunCli, hello_image: Built
) -> None:
    layout, _ = hello_image
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    done = run_cli("push", str(layout), f"127.0.0.1:{port}/x/hello:1")

    line = one_line_failure(done)
    assert f"127.0.0.1:{port}" in line


def test_inspect_reads_a_remote_image(
    run_cli: RunCli, hello_image: Built, open_registry
) -> None:
    layout, digest = hello_image
    ref = f"{open_registry.host}/x/hello:1"
    assert run_cli("push", str(layout), ref).returncode == 0

    done = run_cli("inspect", ref, "--json")

    assert done.returncode == 0, done.stderr
    described = json.loads(done.stdout)
    assert described["digest"] == digest
    assert described["images"][0]["contract"]["env-vars"] == ["GREETING_NAME"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-u", "bob"], "--username needs --password-stdin"),
        (["--password-stdin"], "--password-stdin needs --username"),
        (["--chunk-size", "lots"], "--chunk-size 'lots': give a size"),
        (["--concurrency", "0"], "--concurrency must be at least 1"),
    ],
)
def test_push_flag_mistakes(
    run_cli: RunCli, hello_image: Built, args: list[str], message: str
) -> None:
    layout, _ = hello_image
    done = run_cli("push", str(layout), "127.0.0.1:1/x/y:1", *args, stdin="")
    assert done.returncode == 1
    assert message in done.stderr
