"""zigttp push and inspect REF against the real registry, in every auth mode."""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import AuthRegistry
from tests.oci.conftest import small_image
from tests.oci.fake_registry import FakeRegistry, Reply, Request, tls_files
from tests.oci.real_registry import RegistryServer
from tests.oci.test_local import two_tags
from tests.tools import require_tool
from zigttp.oci import layout as oci_layout
from zigttp.oci import registry

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
        (["--tls", "--insecure"], "give one or the other"),
    ],
)
def test_push_flag_mistakes(
    run_cli: RunCli, hello_image: Built, args: list[str], message: str
) -> None:
    layout, _ = hello_image
    done = run_cli("push", str(layout), "127.0.0.1:1/x/y:1", *args, stdin="")
    assert done.returncode == 1
    assert message in done.stderr


@pytest.fixture
def small_layout(tmp_path: Path) -> Built:
    """A layout written straight from the image model: no handler build needed."""
    image = small_image()
    oci_layout.write(image, tmp_path / "image")
    return tmp_path / "image", str(image.digest)


@pytest.fixture
def fake() -> Iterator[FakeRegistry]:
    server = FakeRegistry()
    yield server
    server.stop()


def test_ctrl_c_stops_a_push_at_once(
    small_layout: Built, fake: FakeRegistry, tmp_path: Path
) -> None:
    layout, _ = small_layout
    stalled: list[Request] = []
    both_uploading, released = threading.Event(), threading.Event()

    def stall_uploads(request: Request) -> Reply | None:
        if request.method == "PUT" and "/uploads/" in request.path:
            stalled.append(request)
            if len(stalled) == 2:
                both_uploading.set()
            released.wait(30)
        return None

    fake.intercept = stall_uploads
    command = [sys.executable, "-m", "zigttp", "push", str(layout)]
    environment = {**os.environ, "NO_COLOR": "1", "ZIGTTP_CACHE_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [*command, f"{fake.host}/team/app:1"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert both_uploading.wait(30)
        # Both bodies are sent: let each worker settle into waiting for its answer.
        time.sleep(0.3)
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=25)
        elapsed = time.monotonic() - started
    finally:
        released.set()
        if process.poll() is None:
            process.kill()
            process.wait()

    assert process.returncode == 130, stderr
    assert elapsed < 3.0
    assert stderr.strip().splitlines()[-1] == "interrupted"
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert not fake.seen("PUT", "/manifests/")


@pytest.fixture
def https_registry(tmp_path: Path) -> Iterator[tuple[RegistryServer, Path]]:
    """The real registry on this machine serving HTTPS only, and its certificate."""
    require_tool("docker-registry")
    files = tls_files(tmp_path / "tls")
    server = RegistryServer(tmp_path / "registry", tls=files)
    yield server, files / "cert.pem"
    server.stop()


def test_push_and_inspect_https_on_this_machine_with_a_ca_bundle(
    run_cli: RunCli, small_layout: Built, https_registry: tuple[RegistryServer, Path]
) -> None:
    layout, digest = small_layout
    server, certificate = https_registry
    ref = f"{server.host}/team/app:1"

    pushed = run_cli("push", "--ca-bundle", str(certificate), str(layout), ref)
    shown = run_cli("inspect", "--ca-bundle", str(certificate), ref, "--json")

    assert pushed.returncode == 0, pushed.stderr
    assert pushed.stdout.strip() == digest
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["digest"] == digest


def test_tls_without_a_trusted_ca_fails_at_once_naming_the_fix(
    run_cli: RunCli, small_layout: Built, https_registry: tuple[RegistryServer, Path]
) -> None:
    layout, _ = small_layout
    server, _ = https_registry
    started = time.monotonic()

    done = run_cli("push", "--tls", str(layout), f"{server.host}/team/app:1")

    line = one_line_failure(done)
    assert line.startswith(f"error: checking the registry at https://{server.host}/")
    assert "CERTIFICATE_VERIFY_FAILED" in line
    assert "with --ca-bundle" in line
    assert "retrying" not in done.stderr
    assert time.monotonic() - started < 10


def test_a_registry_answering_only_https_is_reached_over_https(
    run_cli: RunCli, small_layout: Built, https_registry: tuple[RegistryServer, Path]
) -> None:
    layout, digest = small_layout
    server, certificate = https_registry

    done = run_cli(
        "push",
        str(layout),
        f"{server.host}/team/app:1",
        env={"SSL_CERT_FILE": str(certificate)},
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == digest
    assert f"{server.host} answers only HTTPS: using HTTPS" in done.stderr


def test_each_retry_is_shown_on_stderr(
    run_cli: RunCli, small_layout: Built, fake: FakeRegistry
) -> None:
    layout, digest = small_layout
    busy = itertools.count()
    fake.intercept = lambda request: (
        Reply(429, {"Retry-After": "0"}, b"")
        if request.path == "/v2/" and next(busy) < 2
        else None
    )

    done = run_cli("push", str(layout), f"{fake.host}/team/app:1")

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == digest
    said = f"checking the registry at http://{fake.host}/v2/: registry answered 429"
    for number in (2, 3):
        pattern = rf"{re.escape(said)}; retrying in 0\.[01] s, try {number} of 5"
        assert re.search(pattern, done.stderr), done.stderr


def test_inspect_takes_registry_credentials(
    run_cli: RunCli, basic_registry: AuthRegistry
) -> None:
    image = small_image()
    ref = f"{basic_registry.server.host}/team/app:1"
    registry.push(image, ref, auth=basic_registry.pusher, known=registry.KnownBlobs())
    user, password = basic_registry.pusher.username, basic_registry.pusher.password

    anonymous = run_cli("inspect", ref)
    given = run_cli(
        "inspect", "-u", user, "--password-stdin", ref, "--json", stdin=password + "\n"
    )

    assert "pass --username with --password-stdin" in one_line_failure(anonymous)
    assert given.returncode == 0, given.stderr
    assert json.loads(given.stdout)["digest"] == image.digest
    assert password not in given.stderr


def test_push_and_inspect_pick_one_tag_of_a_layout(
    run_cli: RunCli, open_registry: RegistryServer, tmp_path: Path
) -> None:
    first, second = small_image(binary=b"one"), small_image(binary=b"two")
    two_tags(tmp_path / "multi", first, second)

    untagged = run_cli("inspect", "multi", cwd=tmp_path)
    shown = run_cli("inspect", "multi:v2", "--json", cwd=tmp_path)
    pushed = run_cli("push", "multi:v1", f"{open_registry.host}/x/app:1", cwd=tmp_path)

    assert "name the one to read as multi:v1" in one_line_failure(untagged)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["digest"] == second.digest
    assert pushed.returncode == 0, pushed.stderr
    assert pushed.stdout.strip() == first.digest


def test_inspect_text_never_passes_escapes_to_the_terminal(
    run_cli: RunCli, tmp_path: Path
) -> None:
    image = small_image(labels={"zigttp.proof-level": "complete\x1b[2K\rFAKE"})
    oci_layout.write(image, tmp_path / "image")

    done = run_cli("inspect", str(tmp_path / "image"))

    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\r" not in done.stdout
    assert "proof-level        complete\\x1b[2K\\rFAKE\n" in done.stdout
