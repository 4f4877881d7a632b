"""Put a handler binary into an image, and several platforms' images into an index."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from zigttp import canonical
from zigttp.errors import ImageError
from zigttp.oci import layer
from zigttp.oci.descriptor import CONFIG, INDEX, MANIFEST, Descriptor, Platform
from zigttp.oci.image import Image, Index

BINARY_NAME = "zigttp-handler"
PORT = 3000
ENTRYPOINT = (f"/{BINARY_NAME}", "-q", "-h", "0.0.0.0", "-p", str(PORT))
CREATED = "org.opencontainers.image.created"


def image(
    binary: bytes,
    platform: str,
    labels: Mapping[str, str],
    annotations: Mapping[str, str],
    epoch: int | None,
    compression: layer.Compression,
) -> Image:
    """The one-layer image that runs `binary` on port 3000.

    Identical arguments give byte-identical manifest, config and layer.
    """
    target = Platform.parse(platform)
    created = rfc3339(epoch) if epoch is not None else None

    handler = layer.File(BINARY_NAME, binary, mode=0o755)
    blob = layer.build([handler], epoch, compression)
    config = canonical.dumps(_config(target, labels, blob.diff_id, created))

    manifest: dict[str, Any] = {
        "schemaVersion": 2,
        "mediaType": MANIFEST,
        "config": Descriptor.of(CONFIG, config).to_json(),
        "layers": [blob.descriptor.to_json()],
    }
    stamped = _annotations(annotations, created)
    if stamped:
        manifest["annotations"] = stamped

    return Image(manifest=canonical.dumps(manifest), config=config, layers=(blob.blob,))


def index(images: Sequence[Image], annotations: Mapping[str, str]) -> Index:
    """An image index with one entry per platform, in the order given."""
    platforms = [str(one.platform) for one in images]
    if not images or len(set(platforms)) != len(platforms):
        raise ImageError(
            f"building an image index: need distinct platforms, got {platforms}"
        )

    manifest: dict[str, Any] = {
        "schemaVersion": 2,
        "mediaType": INDEX,
        "manifests": [one.descriptor(with_platform=True).to_json() for one in images],
    }
    if annotations:
        manifest["annotations"] = {str(k): str(v) for k, v in annotations.items()}

    return Index(manifest=canonical.dumps(manifest), images=tuple(images))


def rfc3339(epoch: int) -> str:
    """Seconds since 1970 as "YYYY-MM-DDTHH:MM:SSZ" in UTC."""
    if epoch < 0:
        raise ImageError(f"building an image: SOURCE_DATE_EPOCH {epoch} is negative")
    moment = datetime.datetime.fromtimestamp(epoch, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _config(
    platform: Platform,
    labels: Mapping[str, str],
    diff_id: str,
    created: str | None,
) -> dict[str, Any]:
    history: dict[str, Any] = {"created_by": "zigttp build"}
    config: dict[str, Any] = {
        **platform.to_json(),
        "config": {
            "Entrypoint": list(ENTRYPOINT),
            "ExposedPorts": {f"{PORT}/tcp": {}},
            "Labels": {str(k): str(v) for k, v in labels.items()},
        },
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [history],
    }
    if created is not None:
        config["created"] = created
        history["created"] = created
    return config


def _annotations(given: Mapping[str, str], created: str | None) -> dict[str, str]:
    stamped = {str(key): str(value) for key, value in given.items()}
    if created is not None:
        stamped[CREATED] = created
    return stamped
