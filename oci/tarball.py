"""The OCI archive: an image layout packed in one reproducible tar file."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

from zigttp import atomic
from zigttp.errors import ImageError
from zigttp.oci import layer, layout
from zigttp.oci.image import Image, Index

# A layout of ours holds a few megabytes; refuse archives far beyond that.
MAX_ARCHIVE = 1 << 31


def write(item: Image | Index, path: Path, tag: str | None = "latest") -> None:
    """Write `item` as an OCI archive at `path`, replacing any old file at once."""
    atomic.write_bytes(path, archive_bytes(item, tag))


def archive_bytes(item: Image | Index, tag: str | None = "latest") -> bytes:
    """The archive's bytes: folders then files in name order, all owned by root."""
    contents = layout.files(item, tag)
    folders = sorted({f"{name.rsplit('/', 1)[0]}/" for name in contents if "/" in name})
    folders = sorted(set(folders) | {"blobs/"})

    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted([*folders, *contents]):
            if name in contents:
                data = contents[name]
                tar.addfile(
                    layer.tar_header(name, len(data), 0o644, 0), io.BytesIO(data)
                )
            else:
                tar.addfile(layer.tar_header(name, 0, 0o755, 0, directory=True))
    return out.getvalue()


def read(path: Path, tag: str | None = None) -> Image | Index:
    """The image or index in the OCI archive at `path`, every blob checked."""
    contents = _members(path)

    def read_file(name: str) -> bytes:
        if name not in contents:
            raise ImageError(f"reading the OCI archive {path}: {name} is missing")
        return contents[name]

    return layout.from_files(read_file, tag, str(path))


def _members(path: Path) -> dict[str, bytes]:
    """Regular files by their normalised name; nothing is written to disk."""
    contents: dict[str, bytes] = {}
    total = 0
    try:
        with tarfile.open(path, mode="r:") as archive:
            for member in archive:
                if not member.isfile():
                    continue
                total += member.size
                if total > MAX_ARCHIVE:
                    raise ImageError(
                        f"reading the OCI archive {path}: more than {MAX_ARCHIVE} "
                        "bytes of files, far more than a handler image holds"
                    )
                source = archive.extractfile(member)
                name = member.name.removeprefix("./")
                contents[name] = source.read() if source is not None else b""
    except FileNotFoundError:
        raise ImageError(f"reading the OCI archive {path}: no such file") from None
    except (tarfile.TarError, OSError) as error:
        raise ImageError(f"reading the OCI archive {path}: {error}") from error
    return contents
