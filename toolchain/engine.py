"""The pinned QuickJS-ng sources: fetched once through pip, checked, unpacked."""

from __future__ import annotations

import logging
import shutil
import tarfile
import tempfile
from pathlib import Path

import tarsafe

from zigttp.errors import ToolchainError
from zigttp.progress import Progress, silent
from zigttp.toolchain import pinned
from zigttp.toolchain.vendored import EnginePin, engine_pin

log = logging.getLogger(__name__)


def sources_dir() -> Path:
    """Where the verified engine sources live in the cache (present or not)."""
    return pinned.source_folder(engine_pin())


def sources(progress: Progress = silent) -> Path:
    """The folder with the verified engine sources, fetching them the first time."""
    pin = engine_pin()
    return pinned.fetched_once(
        pin,
        sources_dir(),
        "",
        lambda archive, staging: _extract(pin, archive, staging),
        progress,
    )


def verify_archive(pin: EnginePin, archive: Path) -> None:
    """Refuse an archive whose sha256 is not the pinned one."""
    pinned.verify(pin.file, pin.sha256, archive)


def _extract(pin: EnginePin, archive: Path, staging: Path) -> None:
    """Unpack only the engine folder of the archive into `staging`."""
    top = pin.file.removesuffix(".tar.gz")
    prefix = f"{top}/{pin.sources}/"

    with tempfile.TemporaryDirectory(prefix="zigttp-unpack-") as temp:
        with tarsafe.open(archive, "r:gz") as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extraction_filter = tarfile.data_filter
            wanted = [
                member
                for member in tar.getmembers()
                if member.name.startswith(prefix) and member.isfile()
            ]
            if not wanted:
                raise ToolchainError(
                    f"engine sources {pin.file} have no {pin.sources}/ folder: "
                    "the pin in vendor/lock.json names the wrong file"
                )
            tar.extractall(temp, members=wanted)

        unpacked = Path(temp) / top / pin.sources
        for path in sorted(unpacked.iterdir()):
            shutil.move(str(path), staging / path.name)
