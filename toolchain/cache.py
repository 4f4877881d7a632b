"""Build cache entries: built once, behind a file lock, renamed into place whole."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from zigttp import atomic, canonical

log = logging.getLogger(__name__)


def key(facts: dict[str, Any]) -> str:
    """A short, stable name for everything that decides what an entry contains."""
    return hashlib.sha256(canonical.dumps(facts)).hexdigest()[:32]


def file_digest(path: Path) -> str:
    """Lowercase hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextlib.contextmanager
def locked(entry: Path) -> Iterator[None]:
    """Hold an exclusive lock on `entry` for as long as the block runs.

    The lock lives in a file beside the entry, so other processes building the
    same entry wait here and then find it finished.
    """
    entry.parent.mkdir(parents=True, exist_ok=True)
    lock_path = entry.parent / f".{entry.name}.lock"
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def entry(path: Path, build: Callable[[Path], None]) -> Path:
    """Return the folder `path`, first running `build(staging)` if it is missing.

    `build` fills a fresh staging folder; only when it returns is the folder
    renamed to `path`, so a failed or interrupted build leaves nothing behind.
    """
    if path.is_dir():
        return path

    with locked(path):
        if path.is_dir():
            return path
        log.debug("building cache entry %s", path)
        with atomic.replacing_directory(path) as staging:
            build(staging)

    return path
