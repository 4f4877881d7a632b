"""The layer tar and its compression, down to the bytes."""

from __future__ import annotations

import gzip
import struct
import zlib

import pytest
import zstandard

from zigttp.errors import ImageError
from zigttp.oci import layer
from zigttp.oci.digest import Digest

TEXT = "".join(f"row {i} value {i * i % 977} flag {i % 7 == 0}\n" for i in range(4000))
HANDLER = [layer.File("zigttp-handler", TEXT.encode(), 0o755)]
TAR_DIGEST = "sha256:b160f18cacae83bae1508b19d30b4fda1e25665641467d9b39f2f9f59ae47c67"

# Compressed digests of HANDLER's tar, measured per compressor build. zlib's deflate
# output for a fixed level and memLevel has been stable across zlib releases, but
# forks (zlib-ng, as some distributions ship) emit different, equally valid bytes:
# on such a build the layer digest differs and this table needs a row for it.
GZIP_DIGESTS = {
    "1.2.13": "sha256:3aaa4b2e25b08dd1d27f39ada92b2153c99f6f8c9ad9a23eabb222003e44a499",
}
ZSTD_DIGESTS = {
    (
        1,
        5,
        7,
    ): "sha256:109a152d988ff265e17b874d2cdfce075167f0ad8b60e2a2bb5a0f1f46011b3f",
}


def header_fields(block: bytes) -> dict[str, bytes]:
    """Split one 512-byte ustar header into its named fields."""
    layout = [
        ("name", 100), ("mode", 8), ("uid", 8), ("gid", 8), ("size", 12),
        ("mtime", 12), ("chksum", 8), ("typeflag", 1), ("linkname", 100),
        ("magic", 6), ("version", 2), ("uname", 32), ("gname", 32),
        ("devmajor", 8), ("devminor", 8), ("prefix", 155),
    ]  # fmt: skip
    fields, offset = {}, 0
    for name, width in layout:
        fields[name] = block[offset : offset + width]
        offset += width
    return fields


def test_tar_digest_is_pinned() -> None:
    assert str(Digest.of(layer.tar_bytes(HANDLER, mtime=0))) == TAR_DIGEST


@pytest.mark.parametrize("mtime", [0, 1_700_000_000])
def test_tar_header_is_plain_ustar_owned_by_root(mtime: int) -> None:
    tar = layer.tar_bytes(HANDLER, mtime=mtime)
    fields = header_fields(tar[:512])

    assert fields["name"].rstrip(b"\0") == b"zigttp-handler"
    assert fields["typeflag"] == b"0"
    assert fields["mode"] == b"0000755\0"
    assert fields["uid"] == fields["gid"] == b"0000000\0"
    assert fields["uname"] == fields["gname"] == b"\0" * 32
    assert int(fields["mtime"].rstrip(b"\0"), 8) == mtime
    assert fields["magic"] + fields["version"] == b"ustar\x0000"
    assert fields["prefix"] == b"\0" * 155


def test_tar_has_no_pax_or_extra_headers() -> None:
    tar = layer.tar_bytes(HANDLER, mtime=0)
    size = len(HANDLER[0].data)
    after_data = 512 + (size + 511) // 512 * 512

    assert tar[after_data:] == b"\0" * (len(tar) - after_data)
    assert [entry.pax for entry in layer.entries(tar)] == [()]


def test_tar_entries_are_sorted_whatever_the_input_order() -> None:
    files = [layer.File(name, name.encode()) for name in ("b", "a/x", "C", "a")]

    tar = layer.tar_bytes(files, mtime=0)

    assert [entry.name for entry in layer.entries(tar)] == ["C", "a", "a/x", "b"]
    assert tar == layer.tar_bytes(list(reversed(files)), mtime=0)


def test_gzip_header_names_no_file_time_or_system() -> None:
    blob = layer.build(HANDLER, epoch=None, compression="gzip").blob

    assert blob[:10] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    tar = gzip.decompress(blob)
    assert blob[-8:] == struct.pack("<II", zlib.crc32(tar), len(tar))


def test_gzip_layer_digest_is_pinned_for_this_zlib() -> None:
    version = zlib.ZLIB_RUNTIME_VERSION
    if version not in GZIP_DIGESTS:
        pytest.skip(f"no gzip digest measured with zlib {version} yet; add a row")

    built = layer.build(HANDLER, epoch=None, compression="gzip")

    assert built.descriptor.digest == GZIP_DIGESTS[version]
    assert built.diff_id == TAR_DIGEST


def test_zstd_layer_digest_is_pinned_for_this_libzstd() -> None:
    version = zstandard.ZSTD_VERSION
    if version not in ZSTD_DIGESTS:
        pytest.skip(f"no zstd digest measured with libzstd {version} yet; add a row")

    built = layer.build(HANDLER, epoch=None, compression="zstd")

    assert built.descriptor.digest == ZSTD_DIGESTS[version]
    assert built.diff_id == TAR_DIGEST


def test_zstd_frame_carries_content_size_and_no_dictionary_id() -> None:
    blob = layer.build(HANDLER, epoch=None, compression="zstd").blob

    frame = zstandard.get_frame_parameters(blob)

    assert frame.content_size == len(layer.tar_bytes(HANDLER, mtime=0))
    assert frame.dict_id == 0
    assert frame.has_checksum


@pytest.mark.parametrize("compression", ["gzip", "zstd"])
def test_layer_unpacks_to_its_diff_id(compression: layer.Compression) -> None:
    built = layer.build(HANDLER, epoch=5, compression=compression)

    tar = layer.uncompressed(built.blob, built.media_type)

    assert Digest.of(tar) == built.diff_id
    assert [(e.name, e.mtime, e.mode) for e in layer.entries(tar)] == [
        ("zigttp-handler", 5, 0o755)
    ]


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ([layer.File("a", b""), layer.File("a", b"x")], "names repeat"),
        ([layer.File("x" * 101, b"")], "does not fit a plain ustar header"),
    ],
)
def test_layer_refuses_names_a_plain_ustar_cannot_hold(
    files: list[layer.File], problem: str
) -> None:
    with pytest.raises(ImageError, match=problem):
        layer.tar_bytes(files, mtime=0)
