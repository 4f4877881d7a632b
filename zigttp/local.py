"""Run a handler on this machine with the same runtime the image ships."""

from __future__ import annotations

import ctypes
import hashlib
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from zigttp import atomic, build, dirs, dotenv
from zigttp.contract.program import Program
from zigttp.errors import ToolchainError
from zigttp.progress import Progress, silent
from zigttp.toolchain import build as toolchain
from zigttp.toolchain import targets

STOP_GRACE_SECONDS = 12
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class LocalBuild:
    """A handler compiled for this machine, ready to run."""

    binary: Path
    program: Program

    def watched_files(self) -> list[Path]:
        """The sources and the .env whose change should trigger a rebuild."""
        paths = [module.path for module in self.program.modules]
        return [*paths, self.program.root / ".env"]


def compile_for_host(handler: Path, progress: Progress = silent) -> LocalBuild:
    """Prove and compile `handler` for this machine; the binary lands in the cache."""
    if not sys.platform.startswith("linux"):
        raise ToolchainError(
            "zigttp serve runs the Linux binary the image ships, so it needs Linux: "
            "use `zigttp build` here and run the image on a Linux host"
        )

    program = build.load_program(handler)
    modules = [(module.name, module.javascript) for module in program.modules]
    with build.located_from_here(program.root):
        binary = toolchain.handler_binary(
            modules, program.contract.canonical(), targets.host(), progress
        )

    path = dirs.cache_dir() / "serve" / hashlib.sha256(binary).hexdigest()[:32]
    path = path / "zigttp-handler"
    if not path.exists():
        atomic.write_bytes(path, binary, mode=0o755)
    return LocalBuild(path, program)


def environment(build: LocalBuild) -> tuple[dict[str, str], list[str]]:
    """What the handler sees, as a deploy would give it, and contract names unset.

    A deployed handler sees only its .env; serve adds, from this shell, just the
    names the contract lists (a shell value wins over .env for those). Nothing
    else of the shell (tokens, cloud keys, PATH) reaches a handler, even one
    whose env reads are dynamic.
    """
    env = dict(dotenv.load(build.program.root / ".env"))
    names = build.program.contract.to_json()["env"]["names"]
    env.update({name: os.environ[name] for name in names if name in os.environ})
    missing = [name for name in names if name not in env]
    return env, missing


class Process:
    """The handler binary running as a child process."""

    def __init__(
        self,
        build: LocalBuild,
        host: str,
        port: int,
        env: Mapping[str, str],
        check_env: bool = True,
    ) -> None:
        self.build = build
        args = [str(build.binary), "-h", host, "-p", str(port)]
        if not check_env:
            args.append("--no-env-check")
        self.child = subprocess.Popen(args, env=dict(env), preexec_fn=_stop_with_parent)

    def poll(self) -> int | None:
        return self.child.poll()

    def wait(self) -> int:
        return self.child.wait()

    def stop(self) -> int:
        """SIGTERM, then a bounded wait for in-flight requests, then SIGKILL."""
        if self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)
            try:
                return self.child.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                self.child.kill()
        return self.child.wait()


def _stop_with_parent() -> None:
    """In the child, before exec: get SIGTERM when zigttp itself dies, however."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
