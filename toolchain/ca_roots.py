"""The CA bundle built into the runtime: the pinned certifi list, PEM blocks only."""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path

import tarsafe

from zigttp import dirs
from zigttp.errors import ToolchainError
from zigttp.progress import Progress, Step, silent
from zigttp.toolchain import cache, pinned
from zigttp.toolchain.vendored import RootsPin, roots_pin

log = logging.getLogger(__name__)

BUNDLE_NAME = "ca-roots.pem"  # the name runtime/ca_roots.c embeds

_CERTIFICATE = re.compile(
    rb"-----BEGIN CERTIFICATE-----\r?\n.*?-----END CERTIFICATE-----", re.DOTALL
)


def bundle_dir(progress: Progress = silent) -> Path:
    """The folder holding ca-roots.pem, fetching and reducing it the first time."""
    pin = roots_pin()
    folder = dirs.cache_dir() / "sources" / f"{pin.name}-{pin.version}"
    if folder.is_dir():
        return folder

    def fetch_into(staging: Path) -> None:
        label = f"fetching {pin.name} {pin.version} CA roots (first time only)"
        progress(Step(label, 0, 1))
        with tempfile.TemporaryDirectory(prefix="zigttp-roots-") as temp:
            archive = pinned.download(pin.name, pin.version, pin.file, Path(temp))
            pinned.verify(pin.file, pin.sha256, archive)
            pem = _read_member(pin, archive)
        (staging / BUNDLE_NAME).write_bytes(certificates_only(pem))
        progress(Step(label, 1, 1))

    return cache.entry(folder, fetch_into)


def certificates_only(pem: bytes) -> bytes:
    """Just the certificate blocks, one after another: the comments add nothing."""
    blocks = _CERTIFICATE.findall(pem)
    if not blocks:
        raise ToolchainError(
            "the pinned CA bundle has no certificates: the pin in vendor/lock.json "
            "names the wrong file"
        )
    return b"\n".join(block.replace(b"\r\n", b"\n") for block in blocks) + b"\n"


def _read_member(pin: RootsPin, archive: Path) -> bytes:
    top = pin.file.removesuffix(".tar.gz")
    name = f"{top}/{pin.member}"
    with tarsafe.open(archive, "r:gz") as tar:
        try:
            member = tar.getmember(name)
        except KeyError:
            member = None
        extracted = tar.extractfile(member) if member and member.isfile() else None
        if extracted is None:
            raise ToolchainError(
                f"{pin.file} has no {pin.member}: the pin in vendor/lock.json "
                "names the wrong file"
            )
        with extracted:
            pem: bytes = extracted.read()
            return pem
