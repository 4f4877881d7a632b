"""The OCI image layout: oci-layout, index.json and blobs/sha256/ in a folder."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zigttp import atomic, canonical
from zigttp.errors import ImageError, UsageError
from zigttp.oci.descriptor import INDEX, Descriptor
from zigttp.oci.digest import Digest
from zigttp.oci.image import Image, Index, load, parse_json

REF_NAME = "org.opencontainers.image.ref.name"
OCI_LAYOUT = canonical.dumps({"imageLayoutVersion": "1.0.0"})
TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")

Read = Callable[[str], bytes]
"""Returns the bytes of a file in a layout, by its path inside the layout."""


def write(item: Image | Index, path: Path, tag: str | None = "latest") -> None:
    """Write `item` as a layout at `path`, replacing whatever was there at once."""
    contents = files(item, tag)

    with atomic.replacing_directory(path, replaceable=holds_only_a_layout) as staging:
        for name, data in contents.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            os.chmod(target, 0o644)
        # Modes are set, not left to the umask: a layout is for others to read.
        for folder in [staging, *staging.rglob("*")]:
            if folder.is_dir():
                os.chmod(folder, 0o755)


def holds_only_a_layout(folder: Path) -> bool:
    """An empty folder or an earlier image layout: safe to replace with a new one."""
    names = set(os.listdir(folder))
    return not names or (
        "oci-layout" in names and names <= {"oci-layout", "index.json", "blobs"}
    )


def read(path: Path, tag: str | None = None) -> Image | Index:
    """The image or index in the layout at `path`, every blob checked."""

    def read_file(name: str) -> bytes:
        try:
            return (path / name).read_bytes()
        except FileNotFoundError:
            raise ImageError(
                f"reading the image layout {path}: {name} is missing; "
                "build the image again"
            ) from None
        except OSError as error:
            raise ImageError(f"reading the image layout {path}: {error}") from error

    return from_files(read_file, tag, str(path))


def files(item: Image | Index, tag: str | None) -> dict[str, bytes]:
    """Every file of the layout by its path inside it, in sorted order."""
    if tag is not None and not TAG.fullmatch(tag):
        raise UsageError(
            f"tag {tag!r} is not valid: use letters, digits, '_', '.' and '-' "
            "(at most 128, not starting with '.' or '-')"
        )

    annotations = {REF_NAME: tag} if tag is not None else {}
    top = item.descriptor(with_platform=isinstance(item, Image))
    top = Descriptor(top.media_type, top.digest, top.size, top.platform, annotations)
    index_json: dict[str, Any] = {
        "schemaVersion": 2,
        "mediaType": INDEX,
        "manifests": [top.to_json()],
    }

    contents = {"oci-layout": OCI_LAYOUT, "index.json": canonical.dumps(index_json)}
    for digest, data in _all_blobs(item).items():
        contents[f"blobs/sha256/{digest.hex}"] = data
    return dict(sorted(contents.items()))


def from_files(read_file: Read, tag: str | None, where: str) -> Image | Index:
    """Rebuild what a layout holds from its files; `where` names it in errors."""
    layout = parse_json(read_file("oci-layout"), f"{where}/oci-layout")
    if layout.get("imageLayoutVersion") != "1.0.0":
        raise ImageError(f"reading {where}: oci-layout is not version 1.0.0")

    index_json = parse_json(read_file("index.json"), f"{where}/index.json")
    chosen = _choose(index_json, tag, where)

    def fetch(descriptor: Descriptor) -> bytes:
        return read_file(f"blobs/sha256/{descriptor.digest.hex}")

    manifest = chosen.check(fetch(chosen), "the manifest")
    return load(manifest, chosen.media_type, fetch)


def _choose(index_json: dict[str, Any], tag: str | None, where: str) -> Descriptor:
    entries = [
        Descriptor.from_json(value, f"{where}/index.json entry {number}")
        for number, value in enumerate(index_json.get("manifests") or [], start=1)
    ]
    tags = [entry.annotations.get(REF_NAME, "") for entry in entries]

    if tag is not None:
        for entry, name in zip(entries, tags, strict=True):
            if name == tag:
                return entry
        raise ImageError(
            f"reading {where}: no image tagged {tag!r} (found {_listed(tags)})"
        )

    if not entries:
        raise ImageError(f"reading {where}: its index.json lists no image")
    if len(entries) != 1:
        example = next((name for name in tags if name), "TAG")
        raise ImageError(
            f"reading {where}: it holds {len(entries)} images "
            f"(tags {_listed(tags)}); name the one to read as {where}:{example}"
        )
    return entries[0]


def _listed(tags: list[str]) -> str:
    return ", ".join(repr(tag) for tag in tags if tag) or "none"


def _all_blobs(item: Image | Index) -> dict[Digest, bytes]:
    blobs: dict[Digest, bytes] = {item.digest: item.manifest}
    if isinstance(item, Index):
        for image in item.images:
            blobs[image.digest] = image.manifest
    blobs.update(item.blobs)
    return blobs
