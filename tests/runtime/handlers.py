"""Build handler binaries from JavaScript and run them on 127.0.0.1 for tests."""

from __future__ import annotations

import os
import resource
import selectors
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from zigttp import canonical
from zigttp.contract import program
from zigttp.toolchain import build, targets
from zigttp.toolchain.targets import Target

START_TIMEOUT = 10.0


def contract_json(
    env_names: Sequence[str] = (),
    env_dynamic: bool = False,
    egress: Sequence[str] | None = None,
    cache: Sequence[str] | None = None,
) -> bytes:
    """A version 1 contract with just the facts the runtime reads.

    `egress` and `cache` list proven hosts and namespaces; left as None, the
    category is dynamic (anything goes), as for a handler that computes them.
    """
    return canonical.dumps(
        {
            "version": 1,
            "handler": {"path": "handler.js", "sha256": "0" * 64},
            "env": {"names": sorted(env_names), "dynamic": env_dynamic},
            "egress": {"hosts": sorted(egress or ()), "dynamic": egress is None},
            "cache": {"namespaces": sorted(cache or ()), "dynamic": cache is None},
        }
    )


def binary(
    modules: Sequence[tuple[str, str]] | str,
    folder: Path,
    contract: bytes | None = None,
    target: Target | None = None,
) -> Path:
    """Write the handler binary for `modules` (or one entry module's source)."""
    if isinstance(modules, str):
        modules = [("handler.js", modules)]
    data = build.handler_binary(
        modules, contract or contract_json(), target or targets.host()
    )
    path = folder / "zigttp-handler"
    path.write_bytes(data)
    path.chmod(0o755)
    return path


def project_binary(
    folder: Path, files: Mapping[str, str]
) -> tuple[Path, dict[str, Any]]:
    """Write a project, prove its contract with the real analyzer, build it.

    `files` maps paths in the project (the handler first) to their source.
    Returns the binary and the contract's JSON.
    """
    project = folder / "project"
    for name, source in files.items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")

    loaded = program.load(project / next(iter(files)))
    modules = [(module.name, module.javascript) for module in loaded.modules]
    data = build.handler_binary(modules, loaded.contract.canonical(), targets.host())
    path = folder / "zigttp-handler"
    path.write_bytes(data)
    path.chmod(0o755)
    return path, loaded.contract.to_json()


def _limit_files(count: int) -> Callable[[], None]:
    """Run in the child: at most `count` open descriptors, soft and hard."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (count, count))

    return limit


class Server:
    """A running handler binary; stderr is collected line by line."""

    def __init__(
        self,
        path: Path,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        prefix: Sequence[str] = (),
        files_limit: int | None = None,
    ) -> None:
        argv = [*prefix, str(path), "-h", "127.0.0.1", "-p", "0", *args]
        self.process = subprocess.Popen(
            argv,
            env=dict(env if env is not None else {}),
            preexec_fn=None if files_limit is None else _limit_files(files_limit),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.lines: list[str] = []
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()
        self.port = self._wait_for_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for raw in self.process.stderr:
            self.lines.append(raw.decode("utf-8", errors="replace").rstrip("\n"))
            self._ready.set()
        self._ready.set()

    def _wait_for_port(self) -> int:
        deadline = time.monotonic() + START_TIMEOUT
        prefix = "zigttp-handler listening on http://127.0.0.1:"
        while time.monotonic() < deadline:
            for line in self.lines:
                if line.startswith(prefix):
                    return int(line.removeprefix(prefix))
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            self._ready.wait(0.05)
            self._ready.clear()
        self.stop()
        raise AssertionError(f"handler did not start; stderr: {self.lines}")

    def connect(self, timeout: float = 10.0) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)

    def log(self) -> str:
        return "\n".join(self.lines)

    def wait_for_log(self, text: str, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log():
                return True
            time.sleep(0.02)
        return False

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        code = self.process.wait()
        self._reader.join(timeout=5)
        for stream in (self.process.stdout, self.process.stderr):
            if stream:
                stream.close()
        return code


def run(path: Path, args: Sequence[str] = (), env: Mapping[str, str] | None = None):
    """Run the binary to completion (for commands that exit at once)."""
    return subprocess.run(
        [str(path), *args],
        env=dict(env if env is not None else {}),
        capture_output=True,
        timeout=30,
        check=False,
    )


def exchange(sock: socket.socket, data: bytes, head_request: bool = False) -> bytes:
    """Send raw bytes and read one whole response (Content-Length framed)."""
    sock.sendall(data)
    return read_response(sock, head_request)


def read_response(sock: socket.socket, head_request: bool = False) -> bytes:
    """Read one final response: interim 1xx responses are skipped, the body is
    exactly Content-Length bytes (none for HEAD)."""
    received = b""
    while True:
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                return received
            received += chunk
        head, _, received = received.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 1"):
            break

    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if head_request:
        length = 0
    while len(received) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
    return head + b"\r\n\r\n" + received


def status_of(response: bytes) -> int:
    """The status code of a raw response."""
    return int(response.split(b" ", 2)[1])


def body_of(response: bytes) -> bytes:
    return response.partition(b"\r\n\r\n")[2]


def closed_by_peer(sock: socket.socket, timeout: float = 5.0) -> bool:
    """True once the server has closed its side (EOF within `timeout`)."""
    selector = selectors.DefaultSelector()
    selector.register(sock, selectors.EVENT_READ)
    try:
        if not selector.select(timeout):
            return False
        try:
            return sock.recv(1) == b""
        except ConnectionResetError:
            return True
    finally:
        selector.close()


def base_env() -> dict[str, str]:
    """An environment with nothing of the test runner's in it."""
    return {"PATH": os.defpath}
