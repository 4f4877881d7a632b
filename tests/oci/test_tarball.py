"""The OCI archive: one reproducible tar of the layout, readable by skopeo."""

from __future__ import annotations

import json
import subprocess
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from zigttp.errors import ImageError
from zigttp.oci import build, tarball
from zigttp.oci.image import Image, Index

MakeImage = Callable[..., Image]
RunTool = Callable[..., subprocess.CompletedProcess[str]]


@pytest.mark.parametrize("platforms", [["linux/amd64"], ["linux/amd64", "linux/arm64"]])
def test_archive_round_trips(
    make_image: MakeImage, tmp_path: Path, platforms: list[str]
) -> None:
    images = [make_image(platform=platform) for platform in platforms]
    item: Image | Index = images[0] if len(images) == 1 else build.index(images, {})

    tarball.write(item, tmp_path / "image.tar")
    read = tarball.read(tmp_path / "image.tar")

    assert type(read) is type(item)
    assert read.digest == item.digest
    assert read.blobs == item.blobs


def test_archive_bytes_do_not_depend_on_when_or_where(
    make_image: MakeImage, tmp_path: Path
) -> None:
    tarball.write(make_image(), tmp_path / "a.tar")
    tarball.write(make_image(), tmp_path / "sub" / "b.tar")

    assert (tmp_path / "a.tar").read_bytes() == (
        tmp_path / "sub" / "b.tar"
    ).read_bytes()


def test_archive_members_are_sorted_and_owned_by_root(
    make_image: MakeImage, tmp_path: Path
) -> None:
    tarball.write(make_image(), tmp_path / "image.tar")

    with tarfile.open(tmp_path / "image.tar") as archive:
        members = archive.getmembers()

    names = [member.name for member in members]
    assert names == sorted(names)
    assert names[:2] == ["blobs", "blobs/sha256"]
    assert names[-2:] == ["index.json", "oci-layout"]
    assert {(m.uid, m.gid, m.uname, m.gname, m.mtime) for m in members} == {
        (0, 0, "", "", 0)
    }
    assert all(not member.pax_headers for member in members)


def test_read_rejects_a_tampered_archive(make_image: MakeImage, tmp_path: Path) -> None:
    image = make_image()
    data = bytearray(tarball.archive_bytes(image))
    config_at = bytes(data).index(image.config)
    data[config_at + 2] ^= 0x01
    (tmp_path / "image.tar").write_bytes(bytes(data))

    with pytest.raises(ImageError, match="reading the config .* content hashes to"):
        tarball.read(tmp_path / "image.tar")


@pytest.mark.parametrize(
    ("content", "problem"),
    [(None, "no such file"), (b"not a tar at all" * 40, "reading the OCI archive")],
)
def test_read_of_something_that_is_no_archive(
    tmp_path: Path, content: bytes | None, problem: str
) -> None:
    if content is not None:
        (tmp_path / "image.tar").write_bytes(content)

    with pytest.raises(ImageError, match=problem):
        tarball.read(tmp_path / "image.tar")


def test_skopeo_reads_the_archive(
    make_image: MakeImage, tmp_path: Path, run_tool: RunTool
) -> None:
    image = make_image()
    tarball.write(image, tmp_path / "image.tar", tag="v1")

    shown = run_tool("skopeo", "inspect", f"oci-archive:{tmp_path / 'image.tar'}:v1")

    assert json.loads(shown.stdout)["Digest"] == image.digest
