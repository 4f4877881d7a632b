"""Write files so that readers see the old content or the new, never half of it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from zigttp.errors import UsageError


def write_bytes(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Replace `path` with `data` through a temporary file in the same folder.

    Only a regular file (or a link) is ever replaced: a device, folder or pipe
    at `path` is refused, so `-o /dev/null` cannot swap out the device.
    """
    kind = kind_of(path)
    if kind not in (None, "file", "link"):
        raise UsageError(f"cannot write {path}: it is a {kind}; choose another path")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


@contextlib.contextmanager
def replacing_directory(
    path: Path, replaceable: Callable[[Path], bool] = lambda folder: True
) -> Iterator[Path]:
    """Yield a fresh sibling folder; on success it takes the place of `path`.

    On any failure the sibling is removed and `path` is left as it was, so an
    interrupted build never leaves a half-written output behind. Only a folder
    that `replaceable` accepts is ever replaced; anything else at `path` is
    refused before any work is done.
    """
    kind = kind_of(path)
    if kind not in (None, "folder"):
        raise UsageError(f"cannot write {path}: it is a {kind}; choose another path")
    if kind == "folder" and not replaceable(path):
        raise UsageError(
            f"cannot write {path}: it is a folder that holds other files; "
            "choose a new or empty folder"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        yield staging
        with _locked(path.parent):
            _swap_in(staging, path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap_in(staging: Path, path: Path) -> None:
    """Move `path` aside to a fresh name, `staging` into its place, drop the old."""
    if not path.exists():
        os.replace(staging, path)
        return

    aside = Path(tempfile.mkdtemp(prefix=f".{path.name}.old.", dir=path.parent))
    os.replace(path, aside)
    os.replace(staging, path)
    shutil.rmtree(aside, ignore_errors=True)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder`, so two writers swap one at a time."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def kind_of(path: Path) -> str | None:
    """What is at `path`, in words, without following a final link; None if nothing."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "pipe or socket"
