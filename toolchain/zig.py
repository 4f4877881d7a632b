"""The zig compiler, located once and run with a fixed environment."""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import logging
import os
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from zigttp import dirs
from zigttp.errors import CompilerFailed, ToolchainError

log = logging.getLogger(__name__)


@functools.cache
def command() -> tuple[str, ...]:
    """How to start zig: `ZIGTTP_ZIG` if set, else the ziglang wheel's copy."""
    override = os.environ.get("ZIGTTP_ZIG")
    if override:
        return (override,)
    return (sys.executable, "-m", "ziglang")


def cache_dir() -> Path:
    """Where zig keeps its own caches (musl builds, compiled objects)."""
    return dirs.cache_dir() / "zig"


def environment() -> dict[str, str]:
    """A small, fixed environment: no locale, no SOURCE_DATE_EPOCH, our caches."""
    caches = str(cache_dir())
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "ZIG_GLOBAL_CACHE_DIR": caches,
        "ZIG_LOCAL_CACHE_DIR": caches,
    }
    if "TMPDIR" in os.environ:
        env["TMPDIR"] = os.environ["TMPDIR"]
    return env


def run(what: str, args: Sequence[str], cwd: Path) -> str:
    """Run zig with `args` in `cwd`; return its output or raise CompilerFailed."""
    argv = [*command(), *args]
    log.debug("running %s in %s", shlex.join(argv), cwd)
    cache_dir().mkdir(parents=True, exist_ok=True)

    try:
        child = subprocess.Popen(
            argv,
            cwd=cwd,
            env=environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as error:
        raise ToolchainError(
            f"{what}: cannot start zig ({shlex.join(argv)}): {error.strerror}; "
            "reinstall zigttp or point ZIGTTP_ZIG at a zig executable"
        ) from error

    with _RUNNING_LOCK:
        _RUNNING.add(child)
    try:
        stdout, _ = child.communicate()
    except BaseException:
        _stop(child)
        raise
    finally:
        with _RUNNING_LOCK:
            _RUNNING.discard(child)

    output = stdout.decode("utf-8", errors="replace")
    if child.returncode != 0:
        raise CompilerFailed(what, child.returncode, output)
    return output


# Compilers running now, from any thread, so an interrupt can stop them all.
_RUNNING: set[subprocess.Popen[bytes]] = set()
_RUNNING_LOCK = threading.Lock()


def stop_all() -> None:
    """Stop every compiler this process started, with the programs they started."""
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for child in running:
        _stop(child)


def _stop(child: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


@functools.cache
def version() -> str:
    """The compiler's version, part of every build cache key.

    The wheel's own version names the zig inside it and costs no process start;
    an override is asked directly.
    """
    if not os.environ.get("ZIGTTP_ZIG"):
        try:
            return "ziglang-" + importlib.metadata.version("ziglang")
        except importlib.metadata.PackageNotFoundError:
            pass
    return run("asking zig for its version", ["version"], dirs.cache_dir()).strip()
