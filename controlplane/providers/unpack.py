"""Pull an image by digest and unpack its layers into a root filesystem, safely."""

from __future__ import annotations

import gzip
import io
import logging
import os
import posixpath
import tarfile
from dataclasses import dataclass
from pathlib import Path

import tarsafe
import zstandard

from zigttp import atomic
from zigttp.errors import ImageError
from zigttp.oci import descriptor as media
from zigttp.oci.image import Image, Index

log = logging.getLogger(__name__)
MAX_LAYER_BYTES = 512 << 20


@dataclass(frozen=True)
class Unpacked:
    """A root filesystem on disk and the command line the image asks for."""

    rootfs: Path
    entrypoint: tuple[str, ...]


def choose_platform(item: Image | Index, architecture: str) -> Image:
    """The image for this machine's architecture out of an index (or the image)."""
    if isinstance(item, Image):
        return item
    for image in item.images:
        if image.platform.os == "linux" and image.platform.architecture == architecture:
            return image
    found = ", ".join(f"{i.platform.os}/{i.platform.architecture}" for i in item.images)
    raise ImageError(
        f"choosing an image to run: the index has no linux/{architecture} image "
        f"(it has {found}); build for this machine's platform"
    )


def unpack(image: Image, folder: Path) -> Unpacked:
    """`folder/rootfs` with every layer applied, written once per image digest."""
    rootfs = folder / "rootfs"
    if not rootfs.exists():
        with atomic.replacing_directory(rootfs) as staging:
            for descriptor, blob in zip(
                image.layer_descriptors, image.layers, strict=True
            ):
                _extract(_tar_bytes(descriptor.media_type, blob), staging)
        log.info("unpacked %s into %s", image.digest.short, rootfs)
    return Unpacked(rootfs, entrypoint(image))


def read_file(image: Image, path: str) -> bytes:
    """The bytes of the regular file at `path` once every layer is applied.

    Reads the layers without extracting them, so nothing of the image reaches the
    disk; whiteouts in later layers hide files of earlier ones.
    """
    wanted = _member_path(path)
    found: bytes | None = None
    for descriptor, blob in zip(image.layer_descriptors, image.layers, strict=True):
        tar = _tar_bytes(descriptor.media_type, blob)
        found = _file_in_layer(tar, wanted, found)
    if found is None:
        raise ImageError(
            f"reading the image: it has no regular file {path}; "
            "build the image with `zigttp build`"
        )
    return found


def _tar_bytes(media_type: str, blob: bytes) -> bytes:
    if media_type in (media.LAYER_GZIP, media.DOCKER_LAYER_GZIP):
        with gzip.GzipFile(fileobj=io.BytesIO(blob)) as stream:
            data = stream.read(MAX_LAYER_BYTES + 1)
    elif media_type == media.LAYER_ZSTD:
        reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(blob))
        data = reader.read(MAX_LAYER_BYTES + 1)
    elif media_type == media.LAYER_TAR:
        data = blob
    else:
        raise ImageError(f"unpacking a layer: media type {media_type!r} is unknown")

    if len(data) > MAX_LAYER_BYTES:
        raise ImageError(
            f"unpacking a layer: it expands past {MAX_LAYER_BYTES >> 20} MiB; "
            "zigttp images hold one small binary"
        )
    return data


def _extract(tar: bytes, target: Path) -> None:
    try:
        with tarsafe.TarSafe.open(fileobj=io.BytesIO(tar), mode="r:") as archive:
            archive.extractall(str(target), numeric_owner=True)
    except (tarsafe.TarSafeException, OSError, EOFError) as error:
        raise ImageError(f"unpacking a layer: refused: {error}") from error
    os.chmod(target, 0o755)


def _file_in_layer(tar: bytes, wanted: str, found: bytes | None) -> bytes | None:
    """`found` as this layer leaves it: replaced, hidden by a whiteout, or kept."""
    folder, name = posixpath.split(wanted)
    whiteouts = {
        posixpath.join(folder, f".wh.{name}"),
        posixpath.join(folder, ".wh..wh..opq"),
    }
    hidden, replaced = False, None
    try:
        with tarfile.open(fileobj=io.BytesIO(tar), mode="r:") as archive:
            for member in archive:
                where = _member_path(member.name)
                hidden = hidden or where in whiteouts
                if where == wanted:
                    replaced = _regular_file(archive, member)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise ImageError(f"reading a layer: it is not a valid tar: {error}") from None

    # A layer's whiteouts hide only what the layers below it hold.
    if replaced is not None:
        return replaced
    return None if hidden else found


def _regular_file(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    stream = archive.extractfile(member) if member.isreg() else None
    if stream is None:
        raise ImageError(
            f"reading the image: {member.name} is not a regular file "
            "(a link or a folder); zigttp images hold the binary itself"
        )
    return stream.read()


def _member_path(name: str) -> str:
    return posixpath.normpath("/" + name).lstrip("/")


def entrypoint(image: Image) -> tuple[str, ...]:
    """The command line the image's config asks for, or an ImageError."""
    config = image.config_json.get("config") or {}
    command = list(config.get("Entrypoint") or []) + list(config.get("Cmd") or [])
    if not command or not all(isinstance(part, str) for part in command):
        raise ImageError(
            "reading the image config: it has no Entrypoint to run; "
            "build the image with `zigttp build`"
        )
    return tuple(command)
