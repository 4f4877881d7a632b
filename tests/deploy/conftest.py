"""Fixtures for deploy tests: the real control plane and the real `zigttp`, all local.

Every test runs with ZIGTTP_CONTROL_PLANE_URL on 127.0.0.1 and ZIGTTP_HOME in
its own temporary folder (the autouse fixture below), so nothing can reach the
hosted control plane or the real ~/.zigttp.
"""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.controlplane.stack import (
    Running,
    module_plane,
)
from zigttp.controlplane import sessions

NOWHERE = "http://127.0.0.1:9"
"""The discard port: a control plane URL that refuses at once, on this machine."""

HELLO = """\
import { env } from "zigttp:env";

export default function handler(request: Request): Response {
  return Response.json({ greeting: env("GREETING") ?? "none", version: 1 });
}
"""
EGRESS = """\
import { env } from "zigttp:env";
import { fetch } from "zigttp:fetch";

export default function handler(request: Request): Response {
  if (request.path === "/upstream") {
    return fetch("https://api.example.com/status");
  }
  return Response.json({ greeting: env("GREETING") ?? "none", version: 2 });
}
"""
CRASHES = """\
console.log("loading settings");
throw new Error("settings are missing");
export default function handler(request: Request): Response {
  return Response.json({ ok: true });
}
"""
NEVER_LISTENS = """\
let spins = 0;
while (spins >= 0) { spins = (spins + 1) % 1000; }
export default function handler(request: Request): Response {
  return Response.json({ spins });
}
"""


@pytest.fixture(autouse=True)
def local_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point every zigttp this test starts at 127.0.0.1 and a private home."""
    home = tmp_path / "zigttp-home"
    monkeypatch.setenv("ZIGTTP_CONTROL_PLANE_URL", NOWHERE)
    monkeypatch.setenv("ZIGTTP_HOME", str(home))
    monkeypatch.setenv("ZIGTTP_NO_BROWSER", "1")
    for name in (
        "ZIGTTP_TOKEN",
        "ZIGTTP_READY_TIMEOUT",
        "ZIGTTP_CONTROL_PLANE_TIMEOUT",
        "DISPLAY",
        "WAYLAND_DISPLAY",
    ):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(scope="module")
def plane(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """A dev control plane (registry and local provider) for one test module."""
    yield from module_plane(tmp_path_factory.mktemp("plane"), health_timeout="20")


@dataclass(frozen=True)
class Done:
    """A finished `zigttp` run and how long it took."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float


def environment(cache: Path, extra: Mapping[str, str]) -> dict[str, str]:
    """The process environment for a `zigttp` run, refusing any non-local target."""
    env = {**os.environ, "ZIGTTP_CACHE_DIR": str(cache), "NO_COLOR": "1", **extra}
    host = urlsplit(env.get("ZIGTTP_CONTROL_PLANE_URL", "")).hostname
    assert host == "127.0.0.1", f"a test would reach {host or 'the hosted default'}"
    assert env.get("ZIGTTP_HOME", "").startswith(("/tmp", str(Path.cwd()))), env.get(
        "ZIGTTP_HOME"
    )
    return env


@dataclass(frozen=True)
class Cli:
    """Runs the real `zigttp` as a subprocess with the shared build cache."""

    cache: Path

    def __call__(
        self,
        *args: str,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        stdin: str | None = None,
        timeout: float = 240,
    ) -> Done:
        began = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "zigttp", *args],
            cwd=cwd,
            env=environment(self.cache, env or {}),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Done(done.returncode, done.stdout, done.stderr, time.monotonic() - began)


@pytest.fixture
def zigttp(build_cache: Path) -> Cli:
    return Cli(build_cache)


@dataclass(frozen=True)
class Account:
    email: str
    token: str
    namespace: str


@pytest.fixture
def account(
    plane: Running,
    zigttp: Cli,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> Account:
    """A fresh account for this test, signed in with `login --token-stdin`."""
    monkeypatch.setenv("ZIGTTP_CONTROL_PLANE_URL", plane.url)
    local = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[:40].strip("-")
    email = f"{local}@example.test"
    token = plane.new_token(email)

    done = zigttp("login", "--token-stdin", stdin=f"{token}\n")
    assert done.returncode == 0, done.stderr
    with plane.client(token) as client:
        namespace = client.post("/v1/auth/token/verify").json()["namespace"]
    return Account(email, token, namespace)


def make_project(
    where: Path,
    name: str,
    handler: str = HELLO,
    env: str | None = "GREETING=hello\n",
    package_name: str | None = None,
) -> Path:
    """A project folder: handler.ts, package.json naming it, and .env."""
    folder = where / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "handler.ts").write_text(handler)
    (folder / "package.json").write_text(json.dumps({"name": package_name or name}))
    if env is not None:
        (folder / ".env").write_text(env)
    return folder


def read_state(project: Path) -> dict[str, dict[str, object]]:
    document = json.loads((project / ".zigttp" / "deploy-state.json").read_text())
    services: dict[str, dict[str, object]] = document["services"]
    return services


def service_url(
    plane: Running, namespace: str, project: str, region: str = "us-central"
) -> str:
    """The public URL the control plane gives a service, by its own naming rule."""
    host = sessions.service_hostname(namespace, project, region)
    return f"http://{host}:{plane.port}/"


def get_service(plane: Running, url: str, path: str = "/") -> httpx.Response:
    """A request to a deployed service through the control plane's proxy."""
    host = httpx.URL(url).host
    return httpx.get(
        f"http://127.0.0.1:{plane.port}{path}",
        headers={"Host": f"{host}:{plane.port}"},
        timeout=10.0,
        trust_env=False,
    )


class Mounts:
    """Small tmpfs and read-only bind mounts under /tmp, undone after the test.

    They make a folder really read-only or really full, which file modes cannot
    do for root (the tests run as root here).
    """

    def __init__(self) -> None:
        self.mounted: list[Path] = []

    def tmpfs(self, where: Path, size: str = "1m") -> Path:
        where.mkdir(parents=True, exist_ok=True)
        self._mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where))
        return where

    def read_only(self, where: Path) -> Path:
        """Make `where` (a folder or an earlier mount) read-only, files and all."""
        if where not in self.mounted:
            self._mount("--bind", str(where), str(where))
        self._run("mount", "-o", "remount,bind,ro", str(where))
        return where

    def fill(self, where: Path) -> None:
        """Write zeros into `where` until its file system has no space left."""
        chunk = bytes(64 * 1024)
        with open(where / "filler", "wb", buffering=0) as out:
            try:
                while True:
                    out.write(chunk)
            except OSError as error:
                assert error.errno == errno.ENOSPC, error

    def undo(self) -> None:
        for where in reversed(self.mounted):
            subprocess.run(["umount", "-l", str(where)], check=True)
        self.mounted.clear()

    def _mount(self, *args: str) -> None:
        self._run("mount", *args)
        self.mounted.append(Path(args[-1]))

    def _run(self, *args: str) -> None:
        done = subprocess.run(args, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"cannot {' '.join(args)} here: {done.stderr.strip()}")


@pytest.fixture
def mounts(tmp_path: Path) -> Iterator[Mounts]:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    made = Mounts()
    yield made
    made.undo()
