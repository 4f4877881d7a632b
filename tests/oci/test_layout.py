"""The image layout on disk: real tools accept it, reading checks every byte."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from zigttp.errors import ImageError, UsageError
from zigttp.oci import build, layout
from zigttp.oci.image import Image, Index

MakeImage = Callable[..., Image]
RunTool = Callable[..., subprocess.CompletedProcess[str]]


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_layout_holds_index_and_every_blob(
    make_image: MakeImage, tmp_path: Path
) -> None:
    image = make_image()

    layout.write(image, tmp_path / "out", tag="v1")

    written = files_of(tmp_path / "out")
    assert written["oci-layout"] == b'{"imageLayoutVersion":"1.0.0"}'
    index_json = json.loads(written["index.json"])
    assert index_json["manifests"][0]["digest"] == image.digest
    assert index_json["manifests"][0]["annotations"] == {
        "org.opencontainers.image.ref.name": "v1"
    }
    blobs = {image.digest: image.manifest, **image.blobs}
    assert {n for n in written if n.startswith("blobs/")} == {
        f"blobs/sha256/{digest.hex}" for digest in blobs
    }


def test_layout_round_trips(make_image: MakeImage, tmp_path: Path) -> None:
    image = make_image()
    layout.write(image, tmp_path / "out")

    read = layout.read(tmp_path / "out")

    assert isinstance(read, Image)
    assert (read.manifest, read.config, read.layers) == (
        image.manifest,
        image.config,
        image.layers,
    )


def test_index_layout_round_trips(make_image: MakeImage, tmp_path: Path) -> None:
    index = build.index([make_image(), make_image(platform="linux/arm64")], {})
    layout.write(index, tmp_path / "out")

    read = layout.read(tmp_path / "out", tag="latest")

    assert isinstance(read, Index)
    assert read.digest == index.digest
    assert [image.digest for image in read.images] == [i.digest for i in index.images]


def test_rewriting_replaces_the_old_layout(
    make_image: MakeImage, tmp_path: Path
) -> None:
    layout.write(make_image(binary=b"old"), tmp_path / "out")
    new = make_image(binary=b"new")

    layout.write(new, tmp_path / "out")

    assert layout.read(tmp_path / "out").digest == new.digest
    assert len(list((tmp_path / "out" / "blobs" / "sha256").iterdir())) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_written_layout_is_readable_by_others(
    make_image: MakeImage, tmp_path: Path
) -> None:
    old = os.umask(0o077)
    try:
        layout.write(make_image(), tmp_path / "out")
    finally:
        os.umask(old)

    out = tmp_path / "out"
    for folder in [out, out / "blobs", out / "blobs" / "sha256"]:
        assert folder.stat().st_mode & 0o777 == 0o755, folder
    for file in [out / "index.json", out / "oci-layout", *out.glob("blobs/*/*")]:
        assert file.stat().st_mode & 0o777 == 0o644, file


def test_bad_tag_is_refused(make_image: MakeImage, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="tag 'a:b' is not valid"):
        layout.write(make_image(), tmp_path / "out", tag="a:b")


def damage_blob(folder: Path, digest: str, data: bytes | None) -> None:
    path = folder / "blobs" / "sha256" / digest.removeprefix("sha256:")
    if data is None:
        path.unlink()
    else:
        path.write_bytes(data)


@pytest.mark.parametrize(
    ("which", "data", "problem"),
    [
        ("layer", b"\x1f\x8b not the layer", "expected .* bytes, found 16"),
        ("layer", None, "is missing"),
        ("config", b"{}", "expected .* bytes, found 2"),
        ("manifest", None, "is missing"),
    ],
)
def test_read_rejects_a_damaged_blob(
    make_image: MakeImage,
    tmp_path: Path,
    which: str,
    data: bytes | None,
    problem: str,
) -> None:
    image = make_image()
    layout.write(image, tmp_path / "out")
    digests = {
        "layer": image.layer_descriptors[0].digest,
        "config": image.config_descriptor.digest,
        "manifest": image.digest,
    }

    damage_blob(tmp_path / "out", digests[which], data)

    with pytest.raises(ImageError, match=problem):
        layout.read(tmp_path / "out")


def test_read_rejects_same_size_tampering(
    make_image: MakeImage, tmp_path: Path
) -> None:
    image = make_image()
    layout.write(image, tmp_path / "out")
    layer = bytearray(image.layers[0])
    layer[-20] ^= 0xFF

    damage_blob(tmp_path / "out", image.layer_descriptors[0].digest, bytes(layer))

    with pytest.raises(ImageError, match="content hashes to sha256:"):
        layout.read(tmp_path / "out")


@pytest.mark.parametrize(
    ("tag", "problem"),
    [("v2", "no image tagged 'v2' \\(found 'latest'\\)")],
)
def test_read_names_the_tags_it_has(
    make_image: MakeImage, tmp_path: Path, tag: str, problem: str
) -> None:
    layout.write(make_image(), tmp_path / "out")

    with pytest.raises(ImageError, match=problem):
        layout.read(tmp_path / "out", tag=tag)


def test_read_of_a_folder_that_is_no_layout(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="oci-layout is missing"):
        layout.read(tmp_path)


def test_skopeo_reads_the_layout(
    make_image: MakeImage, tmp_path: Path, run_tool: RunTool
) -> None:
    image = make_image(labels={"zigttp.routes": '["GET /health"]'})
    layout.write(image, tmp_path / "out", tag="v1")

    shown = json.loads(
        run_tool("skopeo", "inspect", f"oci:{tmp_path / 'out'}:v1").stdout
    )

    assert shown["Digest"] == image.digest
    assert shown["Architecture"] == "amd64"
    assert shown["Labels"] == {"zigttp.routes": '["GET /health"]'}
    assert shown["Created"] == "2023-11-14T22:13:20Z"


def test_skopeo_picks_each_platform_from_an_index_layout(
    make_image: MakeImage, tmp_path: Path, run_tool: RunTool
) -> None:
    index = build.index([make_image(), make_image(platform="linux/arm64")], {})
    layout.write(index, tmp_path / "out")
    where = f"oci:{tmp_path / 'out'}:latest"

    raw = run_tool("skopeo", "inspect", "--raw", where).stdout
    assert raw.encode() == index.manifest

    for arch in ("amd64", "arm64"):
        shown = run_tool("skopeo", "--override-arch", arch, "inspect", where)
        assert json.loads(shown.stdout)["Digest"] == index.digest
        assert json.loads(shown.stdout)["Architecture"] == arch


def test_umoci_unpacks_the_layout(
    make_image: MakeImage, tmp_path: Path, run_tool: RunTool
) -> None:
    binary = b"#!/bin/sh\necho hello\n"
    layout.write(make_image(binary=binary), tmp_path / "out", tag="v1")

    run_tool(
        "umoci", "unpack", "--image", f"{tmp_path / 'out'}:v1", "bundle", cwd=tmp_path
    )

    unpacked = tmp_path / "bundle" / "rootfs" / "zigttp-handler"
    assert unpacked.read_bytes() == binary
    assert unpacked.stat().st_mode & 0o777 == 0o755
    assert unpacked.stat().st_mtime == 1_700_000_000
    config = json.loads((tmp_path / "bundle" / "config.json").read_text())
    assert config["process"]["args"][0] == "/zigttp-handler"
