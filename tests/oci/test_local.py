"""Images on disk named PATH or PATH:TAG, as push and inspect take them."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from zigttp.errors import ImageError
from zigttp.oci import layout as oci_layout
from zigttp.oci import local, tarball
from zigttp.oci.image import Image

MakeImage = Callable[..., Image]


def two_tags(folder: Path, first: Image, second: Image) -> Path:
    """A layout tagged v1 (first) and v2 (second), as skopeo copies would leave it."""
    oci_layout.write(first, folder, tag="v1")
    oci_layout.write(second, folder.parent / "second", tag="v2")
    for blob in (folder.parent / "second" / "blobs" / "sha256").iterdir():
        shutil.copy(blob, folder / "blobs" / "sha256" / blob.name)

    index = json.loads((folder / "index.json").read_text())
    other = json.loads((folder.parent / "second" / "index.json").read_text())
    index["manifests"] += other["manifests"]
    (folder / "index.json").write_text(json.dumps(index))
    return folder


@pytest.fixture
def images(make_image: MakeImage) -> tuple[Image, Image]:
    return make_image(binary=b"one"), make_image(binary=b"two")


@pytest.mark.parametrize("tag", ["v1", "v2"])
def test_each_tag_of_a_layout_is_read_by_name(
    images: tuple[Image, Image], tmp_path: Path, tag: str
) -> None:
    folder = two_tags(tmp_path / "multi", *images)
    wanted = images[0] if tag == "v1" else images[1]

    found = local.find(f"{folder}:{tag}")

    assert found == (folder, tag)
    assert local.read(*found).digest == wanted.digest


def test_without_a_tag_the_error_shows_how_to_name_one(
    images: tuple[Image, Image], tmp_path: Path
) -> None:
    folder = two_tags(tmp_path / "multi", *images)

    with pytest.raises(ImageError) as raised:
        local.read(folder)

    assert str(raised.value) == (
        f"reading {folder}: it holds 2 images (tags 'v1', 'v2'); name the one to "
        f"read as {folder}:v1"
    )


def test_an_archive_takes_a_tag_too(
    images: tuple[Image, Image], tmp_path: Path
) -> None:
    first, _ = images
    tarball.write(first, tmp_path / "one.tar", tag="v1")

    found = local.find(f"{tmp_path}/one.tar:v1")

    assert found == (tmp_path / "one.tar", "v1")
    assert local.read(*found).digest == first.digest


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("layout", ("layout", None)),
        ("layout:v1", ("layout", "v1")),
        ("odd:name", ("odd:name", None)),  # an existing path is taken whole
        ("odd:name:v2", ("odd:name", "v2")),
        ("layout:", None),
        ("layout:bad/tag", None),
        ("missing:v1", None),
        ("127.0.0.1:5000/team/app:1", None),
        ("", None),
    ],
)
def test_find_splits_a_tag_only_off_an_existing_path(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    expected: tuple[str, str | None] | None,
) -> None:
    (tmp_path / "layout").mkdir()
    (tmp_path / "odd:name").mkdir()
    monkeypatch.chdir(tmp_path)

    found = local.find(text)

    assert found == (None if expected is None else (Path(expected[0]), expected[1]))
