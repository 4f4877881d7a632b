"""Helpers for control-plane tests: start the real server, build and push images."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.tools import require_tool
from zigttp import canonical
from zigttp.oci import build, layout
from zigttp.toolchain import payload

FIXTURES = Path(__file__).parent / "fixtures"
ZIGTTP = Path(sys.executable).with_name("zigttp")
START_SECONDS = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def contract(
    env: tuple[str, ...] = ("GREETING",),
    hosts: tuple[str, ...] = (),
    read_only: bool = True,
) -> dict[str, Any]:
    """A version 1 contract with the given env names and egress hosts."""
    return {
        "version": 1,
        "handler": {"path": "handler.ts", "sha256": "0" * 64},
        "modules": ["zigttp:env"] + (["zigttp:fetch"] if hosts else []),
        "env": {"names": sorted(env), "dynamic": False},
        "egress": {"hosts": sorted(hosts), "dynamic": False},
        "cache": {"namespaces": [], "dynamic": False},
        "routes": {
            "items": [{"method": "GET", "pattern": "/", "prefix": False}],
            "dynamic": False,
        },
        "properties": {
            "readOnly": read_only,
            "retrySafe": read_only,
            "idempotent": read_only,
            "deterministic": True,
            "stateIsolated": True,
            "injectionSafe": True,
        },
        "proofLevel": "complete",
    }


@dataclass
class Running:
    """A `zigttp control-plane dev` subprocess and what it printed."""

    url: str
    token: str
    data_dir: Path
    port: int
    registry_port: int
    process: subprocess.Popen[str]
    started_seconds: float
    stderr: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    def client(self, token: str | None = None) -> httpx.Client:
        return httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {token or self.token}"},
            timeout=30.0,
            trust_env=False,
        )

    def new_token(self, email: str) -> str:
        made = subprocess.run(
            [
                str(ZIGTTP),
                "control-plane",
                "token",
                "create",
                "--email",
                email,
                "--data-dir",
                str(self.data_dir),
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return made.stdout.strip()

    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.data_dir / "control-plane.db") as db:
            return list(db.execute(sql, args))

    def stop(self) -> int:
        """SIGTERM, as Ctrl-C would; the exit code once it has stopped everything."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        if self.reader is not None:
            self.reader.join(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        return code


def module_plane(folder: Path, health_timeout: str) -> Iterator[Running]:
    """A dev control plane in `folder` for one test module: short test knobs,
    and a clean exit checked when the module is done."""
    running = start_control_plane(
        folder / "data",
        free_port(),
        free_port(),
        ZIGTTP_CP_HEALTH_TIMEOUT=health_timeout,
        ZIGTTP_CP_DEVICE_INTERVAL="1",
    )
    yield running
    assert running.stop() == 0, "".join(running.stderr)


def start_control_plane(
    data_dir: Path,
    port: int,
    registry_port: int,
    *options: str,
    **knobs: str,
) -> Running:
    """Start the dev stack (with more CLI `options`) and wait for its export line."""
    require_tool("docker-registry")
    env = {**os.environ, **knobs, "ZIGTTP_HOME": str(data_dir.parent / "home")}
    began = time.monotonic()
    process = subprocess.Popen(
        [
            str(ZIGTTP),
            "control-plane",
            "dev",
            "--data-dir",
            str(data_dir),
            "--port",
            str(port),
            "--registry-port",
            str(registry_port),
            *options,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    stderr: list[str] = []
    reader = threading.Thread(
        target=lambda: stderr.extend(process.stderr or []), daemon=True
    )
    reader.start()

    url = token = ""
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("export ZIGTTP_CONTROL_PLANE_URL="):
            url = line.split("=", 1)[1].strip()
        elif line.startswith("export ZIGTTP_TOKEN="):
            token = line.split("=", 1)[1].strip()
        if url or time.monotonic() - began > START_SECONDS:
            break
    started = time.monotonic() - began
    if not url:
        process.kill()
        pytest.fail(f"control plane did not start: {''.join(stderr)}")
    return Running(
        url, token, data_dir, port, registry_port, process, started, stderr, reader
    )


def with_contract(binary: bytes, body: dict[str, Any]) -> bytes:
    """The stand-in binary carrying `body` as a zigttp handler payload would."""
    return binary + payload.pack(canonical.dumps(body), [("handler.js", b"0")])


def standin_layout(binary: bytes, folder: Path, contract_sha: str) -> str:
    """An OCI layout around the stand-in binary; returns the manifest digest."""
    image = build.image(
        binary,
        "linux/amd64",
        labels={},
        annotations={"dev.zigttp.contract.sha256": contract_sha},
        epoch=0,
        compression="gzip",
    )
    layout.write(image, folder)
    return str(image.digest)


def push(
    layout_dir: Path,
    session: dict[str, Any],
    digest: str,
    repository: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """skopeo copy of a layout with the session's registry credentials."""
    require_tool("skopeo")
    runtime = layout_dir.parent / "xdg-runtime"
    runtime.mkdir(exist_ok=True)
    target = f"{session['registryHost']}/{repository or session['repository']}"
    return subprocess.run(
        [
            "skopeo",
            "copy",
            "--dest-tls-verify=false",
            "--dest-creds",
            f"{session['registryUsername']}:{session['registryPassword']}",
            f"oci:{layout_dir}:latest",
            f"docker://{target}@{digest}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)},
    )


def open_session(
    client: httpx.Client,
    project: str,
    body: dict[str, Any],
    region: str = "us-central",
) -> httpx.Response:
    return client.post(
        "/v1/deploy/session",
        json={
            "projectName": project,
            "region": region,
            "contract": body,
            "contractSha256": canonical.sha256_hex(body),
        },
    )


def wait_for_service(
    client: httpx.Client, service_id: str, release_id: str, timeout: float = 60.0
) -> dict[str, Any]:
    """The service answer once the release is no longer pending."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = client.get(f"/v1/services/{service_id}").json()
        if answer["releaseId"] == release_id and answer["status"] != "pending":
            return dict(answer)
        time.sleep(0.05)
    raise AssertionError(f"{service_id} still pending after {timeout} s")


@dataclass(frozen=True)
class Deployed:
    """A release the test made: ids, the URL and its hostname."""

    service_id: str
    release_id: str
    url: str
    digest: str

    @property
    def hostname(self) -> str:
        return httpx.URL(self.url).host


def deploy_standin(
    plane: Running,
    client: httpx.Client,
    project: str,
    binary: bytes,
    folder: Path,
    env: dict[str, str],
    region: str = "us-central",
) -> Deployed:
    """Session, stand-in image pushed with its credentials, release: the whole path."""
    body = contract()
    session = open_session(client, project, body, region).json()
    image = folder / f"image-{project}-{region}"
    digest = standin_layout(
        with_contract(binary, body), image, canonical.sha256_hex(body)
    )
    pushed = push(image, session, digest)
    assert pushed.returncode == 0, pushed.stderr

    answer = client.post(
        "/v1/deploy/release",
        json={
            "scopeId": session["scopeId"],
            "projectName": project,
            "region": region,
            "digest": digest,
            "env": env,
        },
    )
    assert answer.status_code == 202, answer.text
    body = answer.json()
    return Deployed(body["serviceId"], body["releaseId"], body["url"], digest)


def release(
    client: httpx.Client, deployed: Deployed, project: str, env: dict[str, str]
) -> str:
    """Release the same digest again with other env; returns the release id."""
    session = open_session(client, project, contract()).json()
    answer = client.post(
        "/v1/deploy/release",
        json={
            "scopeId": session["scopeId"],
            "projectName": project,
            "region": "us-central",
            "digest": deployed.digest,
            "env": env,
        },
    )
    assert answer.status_code == 202, answer.text
    return str(answer.json()["releaseId"])


def fetch_service(plane: Running, hostname: str, path: str = "/") -> httpx.Response:
    """A request through the control plane's proxy, by Host header."""
    return httpx.get(
        f"http://127.0.0.1:{plane.port}{path}",
        headers={"Host": f"{hostname}:{plane.port}"},
        timeout=10.0,
        trust_env=False,
    )
