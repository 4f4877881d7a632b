"""Pinned source distributions: fetched through pip, checked against their sha256."""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from zigttp import dirs
from zigttp.errors import ToolchainError
from zigttp.progress import Progress, Step
from zigttp.toolchain import cache
from zigttp.toolchain.vendored import Pin

log = logging.getLogger(__name__)


def download(name: str, version: str, file: str, into: Path) -> Path:
    """Ask pip for the source distribution, from whatever index pip is set up for."""
    argv = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--no-binary",
        ":all:",
        "--disable-pip-version-check",
        "--no-input",
        f"{name}=={version}",
        "-d",
        str(into),
    ]
    log.debug("downloading %s %s with pip", name, version)
    finished = subprocess.run(
        argv,
        cwd=into,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=False,
    )
    output = finished.stdout.decode("utf-8", errors="replace")
    archive = into / file
    if finished.returncode != 0 or not archive.is_file():
        tail = "\n".join(output.strip().splitlines()[-10:])
        raise ToolchainError(
            f"downloading the sources {file} with pip failed "
            f"(exit {finished.returncode}); check that pip can reach its package "
            f"index, then retry:\n{tail}"
        )
    return archive


def verify(file: str, sha256: str, archive: Path) -> None:
    """Refuse an archive whose sha256 is not the pinned one."""
    found = hashlib.sha256(archive.read_bytes()).hexdigest()
    if found != sha256:
        raise ToolchainError(
            f"sources {file} have sha256 {found}, but vendor/lock.json "
            f"pins {sha256}: the package index served different bytes; "
            "do not build with them, report it"
        )


def source_folder(pin: Pin) -> Path:
    """Where a pin's checked contents live in the cache (present or not)."""
    return dirs.cache_dir() / "sources" / f"{pin.name}-{pin.version}"


def fetched_once(
    pin: Pin,
    folder: Path,
    what: str,
    unpack: Callable[[Path, Path], None],
    progress: Progress,
) -> Path:
    """`folder` in the cache, made the first time from the pinned archive:
    downloaded, checked against its sha256, then `unpack(archive, staging)`."""
    if folder.is_dir():
        return folder

    def fetch_into(staging: Path) -> None:
        label = f"fetching {pin.name} {pin.version}{what} (first time only)"
        progress(Step(label, 0, 1))
        with tempfile.TemporaryDirectory(prefix="zigttp-pinned-") as temp:
            archive = download(pin.name, pin.version, pin.file, Path(temp))
            verify(pin.file, pin.sha256, archive)
            unpack(archive, staging)
        progress(Step(label, 1, 1))

    return cache.entry(folder, fetch_into)
