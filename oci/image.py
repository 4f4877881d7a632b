"""The image model: a manifest with its config and layers, or an index of them.

Both hold the exact bytes that are written and pushed; everything else (digests,
descriptors, labels) is read from those bytes, so what is described is always
what is shipped. `load` rebuilds either from a manifest and a way to fetch blobs,
checking every blob's size and digest on the way in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from zigttp.errors import ImageError
from zigttp.oci.descriptor import (
    IMAGE_MANIFESTS,
    INDEX,
    INDEX_MANIFESTS,
    MANIFEST,
    Descriptor,
    Platform,
)
from zigttp.oci.digest import Digest

Fetch = Callable[[Descriptor], bytes]
"""Returns the bytes a descriptor points at; `load` checks them."""


def parse_json(data: bytes, what: str) -> dict[str, Any]:
    """A JSON object from bytes, or an ImageError naming `what` was being read."""
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImageError(f"reading {what}: not valid JSON ({error})") from error
    if not isinstance(value, dict):
        raise ImageError(f"reading {what}: expected a JSON object")
    return value


@dataclass(frozen=True)
class Image:
    """One platform's image: manifest, config and layer blobs, as bytes."""

    manifest: bytes
    config: bytes
    layers: tuple[bytes, ...]

    @cached_property
    def manifest_json(self) -> dict[str, Any]:
        return parse_json(self.manifest, "the image manifest")

    @cached_property
    def config_json(self) -> dict[str, Any]:
        return parse_json(self.config, "the image config")

    @cached_property
    def digest(self) -> Digest:
        return Digest.of(self.manifest)

    @property
    def media_type(self) -> str:
        return str(self.manifest_json.get("mediaType") or MANIFEST)

    @cached_property
    def layer_descriptors(self) -> tuple[Descriptor, ...]:
        layers = self.manifest_json.get("layers") or []
        return tuple(
            Descriptor.from_json(value, f"layer {number}")
            for number, value in enumerate(layers, start=1)
        )

    @cached_property
    def config_descriptor(self) -> Descriptor:
        return Descriptor.from_json(self.manifest_json.get("config"), "the config")

    @cached_property
    def platform(self) -> Platform:
        return Platform.from_json(self.config_json)

    @property
    def labels(self) -> dict[str, str]:
        labels = (self.config_json.get("config") or {}).get("Labels") or {}
        return {str(key): str(value) for key, value in labels.items()}

    @property
    def annotations(self) -> dict[str, str]:
        annotations = self.manifest_json.get("annotations") or {}
        return {str(key): str(value) for key, value in annotations.items()}

    @property
    def blobs(self) -> dict[Digest, bytes]:
        """Config and layers by digest: what a registry stores as blobs."""
        found = {self.config_descriptor.digest: self.config}
        for descriptor, blob in zip(self.layer_descriptors, self.layers, strict=True):
            found[descriptor.digest] = blob
        return found

    def descriptor(self, with_platform: bool = False) -> Descriptor:
        platform = self.platform if with_platform else None
        return Descriptor.of(self.media_type, self.manifest, platform)


@dataclass(frozen=True)
class Index:
    """Several platforms' images under one image index."""

    manifest: bytes
    images: tuple[Image, ...]

    @cached_property
    def manifest_json(self) -> dict[str, Any]:
        return parse_json(self.manifest, "the image index")

    @cached_property
    def digest(self) -> Digest:
        return Digest.of(self.manifest)

    @property
    def media_type(self) -> str:
        return str(self.manifest_json.get("mediaType") or INDEX)

    @property
    def annotations(self) -> dict[str, str]:
        annotations = self.manifest_json.get("annotations") or {}
        return {str(key): str(value) for key, value in annotations.items()}

    @property
    def blobs(self) -> dict[Digest, bytes]:
        """Every config and layer of every image, by digest."""
        found: dict[Digest, bytes] = {}
        for image in self.images:
            found.update(image.blobs)
        return found

    def descriptor(self, with_platform: bool = False) -> Descriptor:
        return Descriptor.of(self.media_type, self.manifest)


def load(manifest: bytes, media_type: str, fetch: Fetch) -> Image | Index:
    """An Image or Index from manifest bytes, fetching and checking what it names.

    The body's own `mediaType` decides; `media_type` (from a descriptor or a
    Content-Type header) is the fallback for manifests that leave it out.
    """
    body = parse_json(manifest, "a manifest")
    kind = str(body.get("mediaType") or media_type)

    if kind in INDEX_MANIFESTS or (not kind and "manifests" in body):
        return _load_index(manifest, body, fetch)
    if kind in IMAGE_MANIFESTS or (not kind and "config" in body):
        return _load_image(manifest, body, fetch)
    raise ImageError(
        f"reading a manifest: media type {kind!r} is neither an image manifest "
        "nor an image index"
    )


def _load_image(manifest: bytes, body: dict[str, Any], fetch: Fetch) -> Image:
    if body.get("schemaVersion") != 2:
        raise ImageError("reading an image manifest: schemaVersion is not 2")

    config = Descriptor.from_json(body.get("config"), "the config descriptor")
    layers = [
        Descriptor.from_json(value, f"layer descriptor {number}")
        for number, value in enumerate(body.get("layers") or [], start=1)
    ]

    return Image(
        manifest=manifest,
        config=config.check(fetch(config), "the config"),
        layers=tuple(
            layer.check(fetch(layer), f"layer {number}")
            for number, layer in enumerate(layers, start=1)
        ),
    )


def _load_index(manifest: bytes, body: dict[str, Any], fetch: Fetch) -> Index:
    if body.get("schemaVersion") != 2:
        raise ImageError("reading an image index: schemaVersion is not 2")

    images = []
    for number, value in enumerate(body.get("manifests") or [], start=1):
        child = Descriptor.from_json(value, f"index entry {number}")
        if child.media_type in INDEX_MANIFESTS:
            raise ImageError(
                f"reading an image index: entry {number} is itself an index; "
                "nested indexes are not supported"
            )
        data = child.check(fetch(child), f"the manifest of index entry {number}")
        images.append(_load_image(data, parse_json(data, "a manifest"), fetch))

    return Index(manifest=manifest, images=tuple(images))
