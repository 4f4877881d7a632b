"""The CA bundle built into the runtime: the pinned certifi list, PEM blocks only."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import tarsafe

from zigttp.errors import ToolchainError
from zigttp.progress import Progress, silent
from zigttp.toolchain import pinned
from zigttp.toolchain.vendored import RootsPin, roots_pin

log = logging.getLogger(__name__)

BUNDLE_NAME = "ca-roots.pem"  # the name runtime/ca_roots.c embeds

_CERTIFICATE = re.compile(
    rb"-----BEGIN CERTIFICATE-----\r?\n.*?-----END CERTIFICATE-----", re.DOTALL
)


def bundle_dir(progress: Progress = silent) -> Path:
    """The folder holding ca-roots.pem, fetching and reducing it the first time."""
    pin = roots_pin()
    folder = pinned.source_folder(pin)

    def unpack(archive: Path, staging: Path) -> None:
        pem = _read_member(pin, archive)
        (staging / BUNDLE_NAME).write_bytes(certificates_only(pem))

    return pinned.fetched_once(pin, folder, " CA roots", unpack, progress)


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
