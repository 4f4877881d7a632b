"""What an image holds, as data for `zigttp inspect --json` and as lines for people."""

from __future__ import annotations

import json
from typing import Any

from zigttp.oci import layer
from zigttp.oci.image import Image, Index
from zigttp.untrusted import printable_all

LABEL_PREFIX = "zigttp."
CONTRACT_ANNOTATION = "dev.zigttp.contract.sha256"


def describe(item: Image | Index) -> dict[str, Any]:
    """Manifest, config, labels, contract facts and the files of every layer."""
    images = item.images if isinstance(item, Index) else (item,)
    return {
        "kind": "index" if isinstance(item, Index) else "image",
        "digest": str(item.digest),
        "mediaType": item.media_type,
        "size": len(item.manifest),
        "annotations": item.annotations,
        "images": [_image(image) for image in images],
    }


def contract_facts(
    labels: dict[str, str], annotations: dict[str, str]
) -> dict[str, Any]:
    """The handler contract as stamped on the image, with typed values.

    "true"/"false" labels become booleans and JSON-array labels become lists, so a
    tool reading `--json` does not parse strings again.
    """
    facts: dict[str, Any] = {}
    if CONTRACT_ANNOTATION in annotations:
        facts["sha256"] = annotations[CONTRACT_ANNOTATION]

    for key, value in sorted(labels.items()):
        if key.startswith(LABEL_PREFIX):
            facts[key.removeprefix(LABEL_PREFIX)] = _typed(value)
    return facts


def text(description: dict[str, Any]) -> str:
    """The description as short lines a person reads in a terminal.

    Every string in it comes from the image, whoever made it: control
    characters are shown as escapes, never sent to the terminal.
    """
    description = printable_all(description)
    lines = [
        f"{description['kind']} {description['digest']}",
        f"  media type  {description['mediaType']} ({description['size']} bytes)",
    ]
    lines += [f"  annotation  {k}={v}" for k, v in description["annotations"].items()]

    for image in description["images"]:
        lines += ["", *_image_lines(image)]
    return "\n".join(lines) + "\n"


def _image(image: Image) -> dict[str, Any]:
    layers = []
    for descriptor, blob in zip(image.layer_descriptors, image.layers, strict=True):
        files = layer.files(blob, descriptor.media_type)
        layers.append(
            {**descriptor.to_json(), "files": [entry.to_json() for entry in files]}
        )

    return {
        "platform": str(image.platform),
        "digest": str(image.digest),
        "manifest": image.manifest_json,
        "config": image.config_json,
        "labels": image.labels,
        "contract": contract_facts(image.labels, image.annotations),
        "layers": layers,
    }


def _typed(value: str) -> Any:
    if value in ("true", "false"):
        return value == "true"
    if value.startswith("["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _image_lines(image: dict[str, Any]) -> list[str]:
    settings = image["config"].get("config") or {}
    lines = [
        f"image {image['platform']} {image['digest']}",
        f"  created     {image['config'].get('created', '(not set)')}",
        f"  entrypoint  {' '.join(settings.get('Entrypoint') or [])}",
        f"  ports       {', '.join(sorted(settings.get('ExposedPorts') or {}))}",
    ]

    if image["contract"]:
        lines.append("  contract")
        for key, value in image["contract"].items():
            shown = ", ".join(map(str, value)) if isinstance(value, list) else value
            shown = str(shown).lower() if isinstance(shown, bool) else shown
            lines.append(f"    {key:<18} {shown}")

    others = {k: v for k, v in image["labels"].items() if not k.startswith("zigttp.")}
    lines += [f"  label       {key}={value}" for key, value in others.items()]

    for number, blob in enumerate(image["layers"], start=1):
        lines.append(f"  layer {number}     {blob['digest']} ({blob['size']} bytes)")
        lines += [f"    {_file_line(entry)}" for entry in blob["files"]]
    return lines


def _file_line(entry: dict[str, Any]) -> str:
    owner = f"{entry['uid']}/{entry['gid']}"
    return f"{entry['mode']} {owner:>5} {entry['size']:>10}  {entry['name']}"
