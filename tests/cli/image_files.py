"""Read what `zigttp build` wrote, with nothing of zigttp's own reader in the way."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import tarsafe


def blob(layout: Path, digest: str) -> bytes:
    algorithm, _, hex_digest = digest.partition(":")
    return (layout / "blobs" / algorithm / hex_digest).read_bytes()


def manifest(layout: Path, platform: str | None = None) -> dict[str, Any]:
    """The image manifest of a layout; for an index, the one for `platform`."""
    top = json.loads((layout / "index.json").read_text())["manifests"][0]
    document = json.loads(blob(layout, top["digest"]))
    if "layers" in document:
        return dict(document)

    for entry in document["manifests"]:
        plat = entry["platform"]
        if f"{plat['os']}/{plat['architecture']}" == platform:
            return dict(json.loads(blob(layout, entry["digest"])))
    raise AssertionError(f"no manifest for {platform} in the index")


def config(layout: Path, platform: str | None = None) -> dict[str, Any]:
    return dict(
        json.loads(blob(layout, manifest(layout, platform)["config"]["digest"]))
    )


def unpack_binary(layout: Path, into: Path, platform: str | None = None) -> Path:
    """Extract the layer with tarsafe and return the handler binary's path."""
    layer = manifest(layout, platform)["layers"][0]
    archive = into / "layer.tar.gz"
    archive.write_bytes(blob(layout, layer["digest"]))

    with tarsafe.open(archive) as tar:
        assert tar.getnames() == ["zigttp-handler"]
        tar.extractall(into / "rootfs")
    return into / "rootfs" / "zigttp-handler"
