"""diff.explain: when two builds differ, say which blob, tar entry or config key."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from zigttp import canonical
from zigttp.oci import build, diff, layer
from zigttp.oci.descriptor import Descriptor
from zigttp.oci.image import Image

MakeImage = Callable[..., Image]


def test_identical_builds_have_nothing_to_explain(make_image: MakeImage) -> None:
    assert diff.explain(make_image(), make_image()) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"binary": b"other bytes"},
            ["layer 1 (", "tar entry zigttp-handler size:", "zigttp-handler content"],
        ),
        (
            {"labels": {"zigttp.proof-level": "partial"}},
            ["config key config.Labels.zigttp.proof-level: 'complete' vs 'partial'"],
        ),
        (
            {"epoch": 1_700_000_060},
            [
                "manifest annotations.org.opencontainers.image.created:",
                "config key created: '2023-11-14T22:13:20Z' vs '2023-11-14T22:14:20Z'",
                "tar entry zigttp-handler mtime: 1700000000 vs 1700000060",
            ],
        ),
        (
            {"annotations": {"dev.zigttp.contract.sha256": "ab"}},
            ["manifest annotations.dev.zigttp.contract.sha256: (absent) vs 'ab'"],
        ),
        ({"compression": "zstd"}, ["media type application/vnd.oci.image.layer"]),
    ],
)
def test_explain_names_what_differs(
    make_image: MakeImage, change: dict[str, object], expected: list[str]
) -> None:
    lines = diff.explain(make_image(), make_image(**change))

    for fragment in expected:
        assert any(fragment in line for line in lines), (fragment, lines)


def test_explain_spots_the_same_tar_compressed_differently(
    make_image: MakeImage,
) -> None:
    original = make_image()
    descriptor = original.layer_descriptors[0]
    tar = layer.uncompressed(original.layers[0], descriptor.media_type)
    # Another compressor build would change the deflate stream; changing the
    # header's XFL byte is the smallest stand-in for "same tar, other bytes".
    recompressed = bytearray(layer.gzip_bytes(tar))
    recompressed[8] = 4
    other = rebuilt_with_layer(original, bytes(recompressed))

    lines = diff.explain(original, other)

    assert lines == [
        f"layer 1 ({descriptor.digest.short} vs "
        f"{other.layer_descriptors[0].digest.short}): "
        "same tar, compressed differently (zlib or zstd build)"
    ]


def rebuilt_with_layer(image: Image, blob: bytes) -> Image:
    """The same image with its layer blob swapped, manifest updated to match."""
    manifest = dict(image.manifest_json)
    old = image.layer_descriptors[0]
    manifest["layers"] = [Descriptor.of(old.media_type, blob).to_json()]
    return Image(canonical.dumps(manifest), image.config, (blob,))


def test_explain_per_platform_in_an_index(make_image: MakeImage) -> None:
    first = build.index([make_image(), make_image(platform="linux/arm64")], {})
    second = build.index(
        [make_image(), make_image(platform="linux/arm64", binary=b"changed")], {}
    )

    lines = diff.explain(first, second)

    assert lines
    assert all(line.startswith("linux/arm64/v8: ") for line in lines), lines


def test_explain_an_index_against_a_single_image(make_image: MakeImage) -> None:
    index = build.index([make_image(), make_image(platform="linux/arm64")], {})

    assert diff.explain(index, make_image()) == [
        "one is an index, the other a single image: different platform lists"
    ]
