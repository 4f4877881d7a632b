"""Start one release's binary: inside a runc container when runc works, else directly.

Either way the program listens on 127.0.0.1 at a port we choose (runc shares the
host network namespace for that), gets only the env it was released with, and
writes stdout and stderr to one log file whose tail explains a failure.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from zigttp import atomic
from zigttp.errors import ZigttpError

log = logging.getLogger(__name__)
STOP_GRACE_SECONDS = 10.0
SEARCH_PATH = "/usr/local/bin:/usr/bin:/bin"


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def command_line(entrypoint: Sequence[str], port: int) -> list[str]:
    """The image's command with its host and port flags pointed at 127.0.0.1:PORT."""
    args = list(entrypoint)
    for flag, value in (("-h", "127.0.0.1"), ("-p", str(port))):
        if flag in args[1:]:
            args[args.index(flag, 1) + 1] = value
        else:
            args += [flag, value]
    return args


def runc_usable(runtime: str) -> bool:
    """Whether to run under runc: asked for, or `auto` with runc on PATH as root."""
    if runtime == "process":
        return False
    available = shutil.which("runc") is not None and os.geteuid() == 0
    if runtime == "runc" and not available:
        raise ZigttpError(
            "starting the local provider: ZIGTTP_CP_RUNTIME=runc but runc is not "
            "on PATH or we are not root; install runc or use ZIGTTP_CP_RUNTIME=process"
        )
    return available


class Instance:
    """One running copy of a release, stopped with SIGTERM then SIGKILL."""

    def __init__(
        self,
        name: str,
        rootfs: Path,
        entrypoint: Sequence[str],
        env: Mapping[str, str],
        port: int,
        workdir: Path,
        runc_root: Path | None,
    ) -> None:
        self.name = name
        self.port = port
        self.log_path = workdir / f"{name}.log"
        self.runc_root = runc_root
        self.bundle = workdir / f"{name}.bundle"
        args = command_line(entrypoint, port)
        workdir.mkdir(mode=0o700, parents=True, exist_ok=True)
        workdir.chmod(0o700)

        with self.log_path.open("wb") as log_file:
            if runc_root is None:
                program = str(rootfs / args[0].lstrip("/"))
                self.child = subprocess.Popen(
                    [program, *args[1:]],
                    cwd=rootfs,
                    env=dict(env),
                    stdin=subprocess.DEVNULL,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            else:
                bundle = _bundle(self.bundle, rootfs, args, env)
                self.child = subprocess.Popen(
                    [
                        "runc",
                        "--root",
                        str(runc_root),
                        "run",
                        "--bundle",
                        str(bundle),
                        name,
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    env={"PATH": SEARCH_PATH},
                )
        log.info("started %s on 127.0.0.1:%d", name, port)

    def exit_code(self) -> int | None:
        return self.child.poll()

    def log_tail(self, lines: int = 20) -> tuple[str, ...]:
        try:
            text = self.log_path.read_bytes()[-16384:].decode("utf-8", "replace")
        except OSError:
            return ()
        return tuple(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.child.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.child.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.child.wait()
        if self.runc_root is not None:
            _runc(self.runc_root, "delete", "--force", self.name)
            # The bundle's config.json holds the release's env in plain text.
            shutil.rmtree(self.bundle, ignore_errors=True)
        log.info("stopped %s", self.name)

    def _signal(self, number: signal.Signals) -> None:
        if self.runc_root is not None:
            _runc(self.runc_root, "kill", self.name, number.name)
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.child.pid, number)


def remove_leftovers(root: Path, services: Path) -> None:
    """Delete the containers and bundles a killed control plane left behind.

    Only call this holding the data dir's lock (data_lock): then every container
    under `root` belongs to a control plane that is gone, never to a live one.
    """
    if root.exists():
        listed = subprocess.run(
            ["runc", "--root", str(root), "list", "-q"],
            capture_output=True,
            text=True,
            env={"PATH": SEARCH_PATH},
            check=False,
        )
        for name in listed.stdout.split():
            log.warning("removing leftover container %s", name)
            _runc(root, "delete", "--force", name)

    for bundle in services.glob("*/*.bundle"):
        shutil.rmtree(bundle, ignore_errors=True)


def _runc(root: Path, *args: str) -> None:
    subprocess.run(
        ["runc", "--root", str(root), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env={"PATH": SEARCH_PATH},
        timeout=30,
        check=False,
    )


def _bundle(
    folder: Path, rootfs: Path, args: list[str], env: Mapping[str, str]
) -> Path:
    """An OCI runtime bundle: runc's default spec, adjusted to share the network."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(mode=0o700, parents=True)
    folder.chmod(0o700)
    made = subprocess.run(
        ["runc", "spec", "--bundle", str(folder)],
        capture_output=True,
        env={"PATH": SEARCH_PATH},
        check=False,
    )
    if made.returncode != 0:
        raise ZigttpError(
            f"preparing a runc bundle: `runc spec` failed: {made.stderr.decode()}"
        )

    spec: dict[str, Any] = json.loads((folder / "config.json").read_text())
    spec["root"] = {"path": str(rootfs), "readonly": True}
    process = spec["process"]
    process["terminal"] = False
    process["args"] = args
    process["cwd"] = "/"
    process["env"] = [f"{key}={value}" for key, value in sorted(env.items())]
    spec.pop("hostname", None)
    linux = spec["linux"]
    linux["namespaces"] = [
        space
        for space in linux["namespaces"]
        if space["type"] not in ("network", "uts")
    ]

    # runc reads the env from here: only root may read it, and the bundle is
    # deleted when the release stops (Instance.stop).
    atomic.write_bytes(folder / "config.json", json.dumps(spec).encode(), mode=0o600)
    return folder
