"""The image's config, manifest and index: what they say and that they never drift."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from zigttp import canonical
from zigttp.errors import ImageError, UsageError
from zigttp.oci import build, layer
from zigttp.oci.descriptor import CONFIG, INDEX, LAYER_GZIP, LAYER_ZSTD, MANIFEST
from zigttp.oci.digest import Digest
from zigttp.oci.image import Image

MakeImage = Callable[..., Image]


def test_config_runs_the_handler_on_port_3000(make_image: MakeImage) -> None:
    config = json.loads(make_image(labels={"zigttp.read-only": "true"}).config)

    assert config["config"] == {
        "Entrypoint": ["/zigttp-handler", "-q", "-h", "0.0.0.0", "-p", "3000"],
        "ExposedPorts": {"3000/tcp": {}},
        "Labels": {"zigttp.read-only": "true"},
    }
    assert "Env" not in config["config"]


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("linux/amd64", {"os": "linux", "architecture": "amd64"}),
        ("linux/arm64", {"os": "linux", "architecture": "arm64", "variant": "v8"}),
    ],
)
def test_config_names_the_platform(
    make_image: MakeImage, platform: str, expected: dict[str, str]
) -> None:
    config = json.loads(make_image(platform=platform).config)

    assert {key: config[key] for key in expected} == expected
    assert ("variant" in config) == ("variant" in expected)


@pytest.mark.parametrize("platform", ["linux/riscv64", "windows/amd64", "amd64"])
def test_unsupported_platform_is_a_usage_error(
    make_image: MakeImage, platform: str
) -> None:
    with pytest.raises(UsageError, match="linux/amd64, linux/arm64"):
        make_image(platform=platform)


def test_config_rootfs_and_history_describe_the_one_layer(
    make_image: MakeImage,
) -> None:
    image = make_image(epoch=0)
    config = json.loads(image.config)

    assert config["rootfs"] == {"type": "layers", "diff_ids": [config_diff_id(image)]}
    assert config["history"] == [
        {"created": "1970-01-01T00:00:00Z", "created_by": "zigttp build"}
    ]
    assert config["created"] == "1970-01-01T00:00:00Z"


def config_diff_id(image: Image) -> str:
    tar = layer.uncompressed(image.layers[0], image.layer_descriptors[0].media_type)
    return str(Digest.of(tar))


def test_without_epoch_no_time_is_recorded(make_image: MakeImage) -> None:
    image = make_image(epoch=None)

    assert "created" not in json.loads(image.config)
    assert "created" not in json.loads(image.config)["history"][0]
    assert "annotations" not in json.loads(image.manifest)


def test_manifest_points_at_exact_bytes(make_image: MakeImage) -> None:
    image = make_image(annotations={"dev.zigttp.contract.sha256": "ab" * 32})
    manifest = json.loads(image.manifest)

    assert manifest["schemaVersion"] == 2
    assert manifest["mediaType"] == MANIFEST
    assert manifest["config"] == {
        "mediaType": CONFIG,
        "digest": str(Digest.of(image.config)),
        "size": len(image.config),
    }
    assert manifest["layers"] == [
        {
            "mediaType": LAYER_GZIP,
            "digest": str(Digest.of(image.layers[0])),
            "size": len(image.layers[0]),
        }
    ]
    assert manifest["annotations"] == {
        "dev.zigttp.contract.sha256": "ab" * 32,
        "org.opencontainers.image.created": "2023-11-14T22:13:20Z",
    }
    assert image.digest == Digest.of(image.manifest)


def test_zstd_layer_has_its_media_type(make_image: MakeImage) -> None:
    image = make_image(compression="zstd")

    assert json.loads(image.manifest)["layers"][0]["mediaType"] == LAYER_ZSTD


def test_json_is_canonical(make_image: MakeImage) -> None:
    image = make_image(labels={"é": "ü", "b": "1", "a": "2"})

    for data in (image.manifest, image.config):
        assert data == canonical.dumps(json.loads(data))


def test_same_inputs_give_the_same_bytes(make_image: MakeImage) -> None:
    first, second = make_image(), make_image()

    assert first.manifest == second.manifest
    assert first.config == second.config
    assert first.layers == second.layers


@pytest.mark.parametrize(
    "change",
    [
        {"epoch": 1_700_000_001},
        {"epoch": None},
        {"binary": b"other"},
        {"compression": "zstd"},
        {"labels": {"zigttp.proof-level": "partial"}},
        {"annotations": {"org.opencontainers.image.title": "x"}},
        {"platform": "linux/arm64"},
    ],
)
def test_any_input_change_changes_the_digest(
    make_image: MakeImage, change: dict[str, object]
) -> None:
    assert make_image(**change).digest != make_image().digest


def test_index_lists_each_platform(make_image: MakeImage) -> None:
    amd, arm = make_image(), make_image(platform="linux/arm64")

    index = build.index([amd, arm], {"org.opencontainers.image.title": "hello"})
    body = json.loads(index.manifest)

    assert body["mediaType"] == INDEX
    assert body["schemaVersion"] == 2
    assert body["manifests"] == [
        {
            "mediaType": MANIFEST,
            "digest": str(amd.digest),
            "size": len(amd.manifest),
            "platform": {"architecture": "amd64", "os": "linux"},
        },
        {
            "mediaType": MANIFEST,
            "digest": str(arm.digest),
            "size": len(arm.manifest),
            "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"},
        },
    ]
    assert body["annotations"] == {"org.opencontainers.image.title": "hello"}
    assert index.blobs == {**amd.blobs, **arm.blobs}


@pytest.mark.parametrize("platforms", [[], ["linux/amd64", "linux/amd64"]])
def test_index_needs_distinct_platforms(
    make_image: MakeImage, platforms: list[str]
) -> None:
    with pytest.raises(ImageError, match="distinct platforms"):
        build.index([make_image(platform=p) for p in platforms], {})


def test_negative_epoch_is_refused(make_image: MakeImage) -> None:
    with pytest.raises(ImageError, match="negative"):
        make_image(epoch=-1)
