"""The image layer: a reproducible tar of the handler binary, gzip or zstd compressed.

Every header field that could carry the build machine's state is fixed: uid and
gid 0, empty user and group names, one mtime, explicit modes, ustar format (no
PAX records), entries in name order. Compression is fixed too: a hand-written
gzip header (no name, mtime 0, OS byte 255) and a constant zlib level; zstd at a
constant level, single-threaded, with checksum and content size always written.

The deflate stream is the one thing outside our control: zlib's output for a
given level is stable across zlib releases, but forks such as zlib-ng produce
different (equally valid) bytes. tests/oci/test_layer.py pins the digest for the
zlib version it was measured with.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import struct
import tarfile
import typing
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import zstandard

from zigttp.errors import ImageError
from zigttp.oci.descriptor import (
    DOCKER_LAYER_GZIP,
    LAYER_GZIP,
    LAYER_TAR,
    LAYER_ZSTD,
    Descriptor,
)
from zigttp.oci.digest import Digest

Compression = Literal["gzip", "zstd"]

GZIP_LEVEL = 9
ZSTD_LEVEL = 12
# A gzip header with no file name, mtime 0, XFL 2 ("best compression") and OS 255
# ("unknown"), so the bytes do not say where or when they were made.
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
# Reading stops here: a layer of ours holds one binary of a few megabytes.
MAX_UNCOMPRESSED = 1 << 30
_CHUNK = 64 * 1024
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

MEDIA_TYPES: dict[str, str] = {"gzip": LAYER_GZIP, "zstd": LAYER_ZSTD}


@dataclass(frozen=True)
class File:
    """One regular file to put in a layer."""

    name: str
    data: bytes
    mode: int = 0o644


@dataclass(frozen=True)
class Layer:
    """A compressed layer blob and the digest of the tar inside it (its diff_id)."""

    blob: bytes
    media_type: str
    diff_id: Digest

    @property
    def descriptor(self) -> Descriptor:
        return Descriptor.of(self.media_type, self.blob)


@dataclass(frozen=True)
class Entry:
    """One tar header as read back, with the sha256 of the entry's content."""

    name: str
    kind: str
    size: int
    mode: int
    uid: int
    gid: int
    uname: str
    gname: str
    mtime: int
    content_sha256: str
    pax: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "type": self.kind,
            "size": self.size,
            "mode": f"{self.mode:04o}",
            "uid": self.uid,
            "gid": self.gid,
            "uname": self.uname,
            "gname": self.gname,
            "mtime": self.mtime,
            "sha256": self.content_sha256,
        }


def build(files: Sequence[File], epoch: int | None, compression: Compression) -> Layer:
    """The layer holding `files` at the root, identical for identical inputs."""
    if compression not in MEDIA_TYPES:
        raise ImageError(f"building a layer: unknown compression {compression!r}")

    tar = tar_bytes(files, mtime=epoch or 0)
    blob = gzip_bytes(tar) if compression == "gzip" else zstd_bytes(tar)
    return Layer(blob=blob, media_type=MEDIA_TYPES[compression], diff_id=Digest.of(tar))


def tar_bytes(files: Sequence[File], mtime: int) -> bytes:
    """A ustar archive of `files` sorted by name, owned by root, stamped `mtime`."""
    names = [file.name for file in files]
    if len(set(names)) != len(names):
        raise ImageError(f"building a layer: file names repeat in {names}")

    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for file in sorted(files, key=lambda f: f.name.encode("utf-8")):
            header = tar_header(file.name, len(file.data), file.mode, mtime)
            try:
                tar.addfile(header, io.BytesIO(file.data))
            except ValueError as error:
                raise ImageError(
                    f"building a layer: {file.name[:120]!r} does not fit a plain "
                    f"ustar header ({error}); use a shorter name"
                ) from error
    return out.getvalue()


def tar_header(
    name: str, size: int, mode: int, mtime: int, directory: bool = False
) -> tarfile.TarInfo:
    """A header that says nothing about who built it: root, no names, one mtime."""
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE if directory else tarfile.REGTYPE
    info.size = 0 if directory else size
    info.mode = mode
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mtime = mtime
    return info


def gzip_bytes(data: bytes) -> bytes:
    """gzip with a fixed header and level: no name, no time, no OS fingerprint."""
    deflate = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS, 8)
    body = deflate.compress(data) + deflate.flush()
    trailer = struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)
    return _GZIP_HEADER + body + trailer


def zstd_bytes(data: bytes) -> bytes:
    """One zstd frame at a fixed level, single-threaded, no dictionary id."""
    compressor = zstandard.ZstdCompressor(
        level=ZSTD_LEVEL,
        write_checksum=True,
        write_content_size=True,
        write_dict_id=False,
        threads=0,
    )
    return compressor.compress(data)


def uncompressed(blob: bytes, media_type: str) -> bytes:
    """The tar inside a layer blob, refusing more than MAX_UNCOMPRESSED bytes."""
    if media_type == LAYER_TAR:
        return blob
    with _opened(blob, media_type) as reader:
        return _reading(media_type, lambda: reader.read())


def files(blob: bytes, media_type: str) -> list[Entry]:
    """Every header in a layer blob, read as a stream, in archive order.

    Nothing larger than a read buffer is held at once, so a small blob that
    unpacks to a gigabyte (a "zip bomb") costs time, not memory; past
    MAX_UNCOMPRESSED bytes it is refused.
    """
    with _opened(blob, media_type) as reader:
        return _reading(media_type, lambda: _entries(reader))


def digest_of_tar(blob: bytes, media_type: str) -> Digest:
    """The sha256 of the tar inside a layer blob (its diff_id), read as a stream."""
    with _opened(blob, media_type) as reader:
        hashed = _reading(media_type, lambda: _sha256(reader))
    return Digest(f"sha256:{hashed}")


def entries(tar: bytes) -> list[Entry]:
    """Every header in an uncompressed tar, in archive order."""
    return _entries(io.BytesIO(tar))


class _Source(typing.Protocol):
    """What the gzip and zstd readers have in common."""

    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


class _Bounded(io.RawIOBase):
    """A decompressing reader that fails once it has given MAX_UNCOMPRESSED bytes."""

    def __init__(self, source: _Source) -> None:
        self.source = source
        self.given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: typing.Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.source.read(min(len(view), MAX_UNCOMPRESSED + 1 - self.given))
        self.given += len(data)
        if self.given > MAX_UNCOMPRESSED:
            raise ImageError(
                f"reading a layer: it unpacks to more than {MAX_UNCOMPRESSED} bytes, "
                "far more than a handler image holds"
            )
        view[: len(data)] = data
        return len(data)


@contextlib.contextmanager
def _opened(blob: bytes, media_type: str) -> Iterator[typing.BinaryIO]:
    """The tar inside `blob` as a bounded stream, for any layer media type."""
    source: _Source
    if media_type in (LAYER_GZIP, DOCKER_LAYER_GZIP):
        source = gzip.GzipFile(fileobj=io.BytesIO(blob), mode="rb")
    elif media_type == LAYER_ZSTD:
        source = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(blob))
    elif media_type == LAYER_TAR:
        source = io.BytesIO(blob)
    else:
        raise ImageError(f"reading a layer: media type {media_type!r} is not a tar")

    try:
        with io.BufferedReader(_Bounded(source), _CHUNK) as reader:
            yield reader
    finally:
        source.close()


Value = typing.TypeVar("Value")


def _reading(media_type: str, read: Callable[[], Value]) -> Value:
    """`read()`, with decompression failures said as an ImageError."""
    try:
        return read()
    except (OSError, EOFError, zlib.error, zstandard.ZstdError) as error:
        raise ImageError(f"reading a {media_type} layer: {error}") from error


def _entries(stream: typing.BinaryIO) -> list[Entry]:
    """Every header of the tar read from `stream` once, front to back."""
    found: list[Entry] = []
    try:
        with tarfile.open(fileobj=stream, mode="r|") as archive:
            for member in archive:
                content = archive.extractfile(member) if member.isfile() else None
                hashed = _sha256(content) if content is not None else _EMPTY_SHA256
                found.append(_entry(member, hashed))
    except tarfile.TarError as error:
        raise ImageError(f"reading a layer's tar: {error}") from error
    return found


def _sha256(stream: _Source) -> str:
    hasher = hashlib.sha256()
    while chunk := stream.read(_CHUNK):
        hasher.update(chunk)
    return hasher.hexdigest()


def _entry(member: tarfile.TarInfo, content_sha256: str) -> Entry:
    kinds = {tarfile.REGTYPE: "file", tarfile.DIRTYPE: "dir", tarfile.SYMTYPE: "link"}
    return Entry(
        name=member.name,
        kind=kinds.get(member.type, f"type {member.type!r}"),
        size=member.size,
        mode=member.mode,
        uid=member.uid,
        gid=member.gid,
        uname=member.uname,
        gname=member.gname,
        mtime=int(member.mtime),
        content_sha256=content_sha256,
        pax=tuple(sorted(member.pax_headers)),
    )
