"""inspect.describe: manifest, config, labels, contract facts and the layer's files."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from zigttp.oci import build, inspect
from zigttp.oci.image import Image

MakeImage = Callable[..., Image]

LABELS = {
    "zigttp.proof-level": "complete",
    "zigttp.read-only": "true",
    "zigttp.retry-safe": "false",
    "zigttp.routes": '["GET /health","GET /api/*"]',
    "org.example.team": "web",
}


def test_describe_a_single_image(make_image: MakeImage) -> None:
    image = make_image(
        binary=b"x" * 300,
        labels=LABELS,
        annotations={"dev.zigttp.contract.sha256": "cd" * 32},
    )

    described = inspect.describe(image)

    assert described["kind"] == "image"
    assert described["digest"] == image.digest
    assert described["size"] == len(image.manifest)
    [one] = described["images"]
    assert one["platform"] == "linux/amd64"
    assert one["labels"] == LABELS
    assert one["contract"] == {
        "sha256": "cd" * 32,
        "proof-level": "complete",
        "read-only": True,
        "retry-safe": False,
        "routes": ["GET /health", "GET /api/*"],
    }
    assert one["config"]["config"]["ExposedPorts"] == {"3000/tcp": {}}
    [files] = [blob["files"] for blob in one["layers"]]
    assert files == [
        {
            "name": "zigttp-handler",
            "type": "file",
            "size": 300,
            "mode": "0755",
            "uid": 0,
            "gid": 0,
            "uname": "",
            "gname": "",
            "mtime": 1_700_000_000,
            "sha256": hashlib.sha256(b"x" * 300).hexdigest(),
        }
    ]


def test_describe_an_index_lists_each_platform(make_image: MakeImage) -> None:
    index = build.index([make_image(), make_image(platform="linux/arm64")], {})

    described = inspect.describe(index)

    assert described["kind"] == "index"
    assert [one["platform"] for one in described["images"]] == [
        "linux/amd64",
        "linux/arm64/v8",
    ]


def test_text_shows_what_a_person_looks_for(make_image: MakeImage) -> None:
    image = make_image(labels=LABELS)

    shown = inspect.text(inspect.describe(image))

    assert shown.startswith(f"image {image.digest}\n")
    assert "  entrypoint  /zigttp-handler -q -h 0.0.0.0 -p 3000\n" in shown
    assert "    routes             GET /health, GET /api/*\n" in shown
    assert "    read-only          true\n" in shown
    assert "  label       org.example.team=web\n" in shown
    assert "0755   0/0" in shown and "zigttp-handler" in shown
