"""Pinned source distributions: fetched through pip, checked against their sha256."""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
from pathlib import Path

from zigttp.errors import ToolchainError

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
