"""Say where two builds differ: which blob, which tar entry, which config key."""

from __future__ import annotations

from typing import Any

from zigttp.oci import layer
from zigttp.oci.descriptor import Descriptor
from zigttp.oci.image import Image, Index

_SHOWN = 60


def explain(a: Image | Index, b: Image | Index) -> list[str]:
    """One line per difference between `a` and `b`; empty when they are identical."""
    if a.digest == b.digest:
        return []

    if isinstance(a, Index) and isinstance(b, Index):
        return _indexes(a, b)
    if isinstance(a, Image) and isinstance(b, Image):
        return _images(a, b, "")

    kinds = ["an index" if isinstance(x, Index) else "a single image" for x in (a, b)]
    return [f"one is {kinds[0]}, the other {kinds[1]}: different platform lists"]


def _indexes(a: Index, b: Index) -> list[str]:
    found = _json_keys(a.manifest_json, b.manifest_json, "index ", ("manifests",))
    ours = {str(image.platform): image for image in a.images}
    theirs = {str(image.platform): image for image in b.images}

    for platform in sorted(ours.keys() | theirs.keys()):
        if platform not in theirs or platform not in ours:
            side = "first" if platform in ours else "second"
            found.append(f"platform {platform}: only in the {side} index")
            continue
        found += _images(ours[platform], theirs[platform], f"{platform}: ")

    if not found:
        found.append("index: the same images listed in a different order")
    return found


def _images(a: Image, b: Image, prefix: str) -> list[str]:
    if a.digest == b.digest:
        return []

    found = _json_keys(
        a.manifest_json, b.manifest_json, f"{prefix}manifest ", ("config", "layers")
    )
    if a.config_descriptor.digest != b.config_descriptor.digest:
        found += _json_keys(a.config_json, b.config_json, f"{prefix}config key ", ())

    if len(a.layers) != len(b.layers):
        found.append(f"{prefix}layer count: {len(a.layers)} vs {len(b.layers)}")
    layers_a = zip(a.layer_descriptors, a.layers, strict=True)
    layers_b = zip(b.layer_descriptors, b.layers, strict=True)
    pairs = zip(layers_a, layers_b, strict=False)
    for number, (one, other) in enumerate(pairs, start=1):
        found += _layers(one, other, f"{prefix}layer {number}")

    if not found:
        found.append(f"{prefix}manifest bytes differ but not their content (encoding)")
    return found


def _layers(
    one: tuple[Descriptor, bytes], other: tuple[Descriptor, bytes], where: str
) -> list[str]:
    (desc_a, blob_a), (desc_b, blob_b) = one, other
    if desc_a.digest == desc_b.digest:
        return []

    type_a, type_b = desc_a.media_type, desc_b.media_type
    where = f"{where} ({desc_a.digest.short} vs {desc_b.digest.short})"
    if type_a != type_b:
        return [f"{where}: media type {type_a} vs {type_b}"]

    if layer.digest_of_tar(blob_a, type_a) == layer.digest_of_tar(blob_b, type_b):
        return [f"{where}: same tar, compressed differently (zlib or zstd build)"]

    entries_a = {entry.name: entry for entry in layer.files(blob_a, type_a)}
    entries_b = {entry.name: entry for entry in layer.files(blob_b, type_b)}
    found = []
    for name in sorted(entries_a.keys() | entries_b.keys()):
        if name not in entries_a or name not in entries_b:
            side = "first" if name in entries_a else "second"
            found.append(f"{where}: tar entry {name} only in the {side} build")
            continue
        header_a, header_b = entries_a[name], entries_b[name]
        for field in ("kind", "size", "mode", "uid", "gid", "uname", "gname", "mtime"):
            value_a, value_b = getattr(header_a, field), getattr(header_b, field)
            if value_a != value_b:
                found.append(
                    f"{where}: tar entry {name} {field}: {value_a!r} vs {value_b!r}"
                )
        if header_a.pax != header_b.pax:
            found.append(f"{where}: tar entry {name} PAX records differ")
        if header_a.content_sha256 != header_b.content_sha256:
            found.append(f"{where}: tar entry {name} content differs")

    if not found:
        found.append(
            f"{where}: tar bytes differ outside the entry headers (order or padding)"
        )
    return found


def _json_keys(
    a: dict[str, Any], b: dict[str, Any], prefix: str, skip: tuple[str, ...]
) -> list[str]:
    """Dotted paths of the keys whose values differ, with both values shortened."""
    found = []
    for key in sorted(a.keys() | b.keys()):
        if key in skip:
            continue
        value_a, value_b = a.get(key), b.get(key)
        if value_a == value_b:
            continue
        if isinstance(value_a, dict) and isinstance(value_b, dict):
            found += _json_keys(value_a, value_b, f"{prefix}{key}.", ())
        else:
            found.append(f"{prefix}{key}: {_short(value_a)} vs {_short(value_b)}")
    return found


def _short(value: Any) -> str:
    shown = "(absent)" if value is None else repr(value)
    return shown if len(shown) <= _SHOWN else shown[: _SHOWN - 3] + "..."
