"""`zigttp build`: examples/hello and the TSX page become images whose binary serves."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from tests.runtime.handlers import Server, base_env, body_of, exchange, status_of

from . import image_files
from .conftest import RunCli


def get(server: Server, path: str) -> tuple[int, bytes, bytes]:
    with server.connect() as sock:
        request = f"GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        response = exchange(sock, request.encode())
    head = response.partition(b"\r\n\r\n")[0]
    return status_of(response), head, body_of(response)


def build(run_cli: RunCli, project: Path, *args: str) -> str:
    done = run_cli("build", str(project), *args)
    assert done.returncode == 0, done.stderr
    digest = done.stdout.strip()
    assert digest.startswith("sha256:") and len(digest) == 71
    return digest


def test_hello_image_serves_json_and_sees_the_process_env(
    run_cli: RunCli, example, tmp_path: Path
) -> None:
    project = example("hello")
    digest = build(run_cli, project)
    layout = project / ".zigttp" / "image"

    index = json.loads((layout / "index.json").read_text())
    assert index["manifests"][0]["digest"] == digest
    binary = image_files.unpack_binary(layout, tmp_path)
    assert stat.S_IMODE(binary.stat().st_mode) == 0o755

    server = Server(binary, env={**base_env(), "GREETING_NAME": "tester"})
    try:
        assert get(server, "/") == (
            200,
            get(server, "/")[1],
            b'{"message":"Hello, tester!","greeted":"tester"}',
        )
        status, head, body = get(server, "/health")
        assert (status, json.loads(body)) == (200, {"status": "ok"})
        assert b"application/json" in head.lower()
        status, _, body = get(server, "/elsewhere")
        assert (status, json.loads(body)) == (
            404,
            {"error": "not found", "path": "/elsewhere"},
        )
    finally:
        assert server.stop() == 0


def test_hello_config_carries_entrypoint_port_and_contract_labels(
    run_cli: RunCli, example
) -> None:
    project = example("hello")
    build(run_cli, project)
    config = image_files.config(project / ".zigttp" / "image")

    assert config["architecture"] == "amd64" and config["os"] == "linux"
    assert config["config"]["Entrypoint"] == [
        "/zigttp-handler",
        "-q",
        "-h",
        "0.0.0.0",
        "-p",
        "3000",
    ]
    assert config["config"]["ExposedPorts"] == {"3000/tcp": {}}
    labels = config["config"]["Labels"]
    assert labels["zigttp.env-vars"] == '["GREETING_NAME"]'
    assert labels["zigttp.env-proven"] == "true"
    assert labels["zigttp.read-only"] == "true"
    assert "GREETING_NAME=" not in json.dumps(config)


def test_the_binary_refuses_to_start_without_a_contract_env_var(
    run_cli: RunCli, example, tmp_path: Path
) -> None:
    project = example("hello")
    build(run_cli, project)
    binary = image_files.unpack_binary(project / ".zigttp" / "image", tmp_path)

    import subprocess

    done = subprocess.run(
        [str(binary), "-p", "0"], env=base_env(), capture_output=True, timeout=30
    )
    assert done.returncode == 3
    assert b"GREETING_NAME" in done.stderr


def test_tsx_page_renders_escaped_html(
    run_cli: RunCli, example, tmp_path: Path
) -> None:
    project = example("page")
    build(run_cli, project)
    binary = image_files.unpack_binary(project / ".zigttp" / "image", tmp_path)

    server = Server(binary, env=base_env())
    try:
        status, head, body = get(server, "/?name=%3Cscript%3E")
    finally:
        server.stop()

    assert status == 200
    assert b"text/html" in head.lower()
    page = body.decode()
    assert page.startswith('<!doctype html><html lang="en">')
    assert "<title>Shipping checklist</title>" in page
    assert "Hello, &lt;script&gt; &amp; welcome." in page
    assert '<li class="done">Write a handler</li>' in page
    assert '<li class="todo">zigttp deploy</li>' in page
    assert "<script>" not in page


THROWING = """\
export default function handler(request: Request): Response {
  if (request.path === "/boom") {
    throw new Error("kaboom");
  }
  return Response.json({ alive: true });
}
"""


def test_a_throwing_handler_answers_500_and_keeps_serving(
    run_cli: RunCli, tmp_path: Path
) -> None:
    project = tmp_path / "thrower"
    project.mkdir()
    (project / "handler.ts").write_text(THROWING)
    build(run_cli, project)
    binary = image_files.unpack_binary(project / ".zigttp" / "image", tmp_path)

    server = Server(binary, env=base_env())
    try:
        status, _, body = get(server, "/boom")
        assert status == 500
        assert json.loads(body)["error"] == "internal_error"
        assert b"kaboom" not in body
        assert get(server, "/")[::2] == (200, b'{"alive":true}')
        assert server.wait_for_log("handler.ts:3")
    finally:
        server.stop()


AARCH64 = 183


def elf_header(binary: bytes) -> dict[str, int]:
    """Class, endianness, machine, and whether a loader or dynamic section is asked."""
    assert binary[:4] == b"\x7fELF"
    phoff = int.from_bytes(binary[32:40], "little")
    phentsize = int.from_bytes(binary[54:56], "little")
    phnum = int.from_bytes(binary[56:58], "little")
    types = [
        int.from_bytes(
            binary[phoff + i * phentsize : phoff + i * phentsize + 4], "little"
        )
        for i in range(phnum)
    ]
    return {
        "class": binary[4],
        "endian": binary[5],
        "machine": int.from_bytes(binary[18:20], "little"),
        "interp": int(3 in types),
        "dynamic": int(2 in types),
    }


def test_arm64_build_is_a_static_aarch64_elf(
    run_cli: RunCli, example, tmp_path: Path
) -> None:
    project = example("hello")
    build(run_cli, project, "--platform", "linux/arm64")
    layout = project / ".zigttp" / "image"
    binary = image_files.unpack_binary(layout, tmp_path)

    header = elf_header(binary.read_bytes())
    assert header == {
        "class": 2,
        "endian": 1,
        "machine": AARCH64,
        "interp": 0,
        "dynamic": 0,
    }
    config = image_files.config(layout)
    assert (config["architecture"], config.get("variant")) == ("arm64", "v8")


def test_two_platforms_make_an_index_with_one_manifest_each(
    run_cli: RunCli, example, tmp_path: Path
) -> None:
    project = example("hello")
    digest = build(run_cli, project, "--platform", "linux/amd64,linux/arm64")
    layout = project / ".zigttp" / "image"

    top = json.loads((layout / "index.json").read_text())["manifests"][0]
    assert top["digest"] == digest
    assert top["mediaType"] == "application/vnd.oci.image.index.v1+json"
    index = json.loads(image_files.blob(layout, digest))
    platforms = [entry["platform"] for entry in index["manifests"]]
    assert platforms == [
        {"architecture": "amd64", "os": "linux"},
        {"architecture": "arm64", "os": "linux", "variant": "v8"},
    ]
    for platform, machine in (("linux/amd64", 62), ("linux/arm64", AARCH64)):
        folder = tmp_path / platform.replace("/", "-")
        folder.mkdir()
        binary = image_files.unpack_binary(layout, folder, platform)
        assert elf_header(binary.read_bytes())["machine"] == machine


def test_tar_format_writes_one_archive(
    run_cli: RunCli, example, tmp_path: Path
) -> None:
    project = example("hello")
    archive = tmp_path / "hello.tar"
    digest = build(run_cli, project, "--format", "tar", "-o", str(archive))

    import tarfile

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        index = json.load(tar.extractfile("index.json"))  # type: ignore[arg-type]
    assert {"oci-layout", "index.json"} <= set(names)
    assert index["manifests"][0]["digest"] == digest
    assert not (project / ".zigttp").exists()


def test_inspect_shows_contract_facts_of_layout_and_archive(
    run_cli: RunCli, example, tmp_path: Path
) -> None:
    project = example("hello")
    digest = build(run_cli, project)
    archive = tmp_path / "hello.tar"
    build(run_cli, project, "--format", "tar", "-o", str(archive))

    for target in (project / ".zigttp" / "image", archive):
        done = run_cli("inspect", str(target), "--json")
        assert done.returncode == 0, done.stderr
        described = json.loads(done.stdout)
        assert described["digest"] == digest
        facts = described["images"][0]["contract"]
        assert facts["env-vars"] == ["GREETING_NAME"]
        assert facts["proof-level"] == "complete"

    done = run_cli("inspect", str(project / ".zigttp" / "image"))
    assert "GREETING_NAME" in done.stdout and digest in done.stdout


def test_build_writes_nothing_into_the_source_besides_its_output(
    run_cli: RunCli, example
) -> None:
    project = example("hello")
    before = sorted(os.listdir(project))
    build(run_cli, project)
    assert sorted(os.listdir(project)) == sorted([*before, ".zigttp"])
    assert os.listdir(project / ".zigttp") == ["image"]
