"""One control plane per data dir: an exclusive lock that names the pid holding it.

Two control planes on one data dir would share its database, registry storage
and runc root, and each would take the other's containers for leftovers of a
crash. The lock is flock(2) on a file in the folder: the kernel drops it when
the process ends, however it ends (kill -9 included), and the registry and the
releases we start never inherit it because Python opens files close-on-exec.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from zigttp.errors import UsageError

log = logging.getLogger(__name__)
LOCK_FILE = "control-plane.lock"
_HOLDER_WAIT_SECONDS = 1.0


@contextmanager
def held(folder: Path) -> Iterator[None]:
    """Hold the data dir's lock for the `with` block, or refuse naming its holder."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    path = folder / LOCK_FILE
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        _lock(descriptor, folder)
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        log.info("holding %s", path)
        yield
    finally:
        os.close(descriptor)


def _lock(descriptor: int, folder: Path) -> None:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder(descriptor)
        raise UsageError(
            f"data dir {folder} is in use by {holder}: stop that one first, "
            "or pick another --data-dir"
        ) from None


def _holder(descriptor: int) -> str:
    """Who holds the lock, as its pid; it writes the pid just after locking."""
    deadline = time.monotonic() + _HOLDER_WAIT_SECONDS
    while True:
        written = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip()
        if written.isdigit():
            return f"the control plane with pid {written}"
        if time.monotonic() > deadline:
            return "another control plane"
        time.sleep(0.05)
