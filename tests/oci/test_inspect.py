"""inspect.describe: manifest, config, labels, contract facts and the layer's files."""

from __future__ import annotations

import hashlib
import tracemalloc
from collections.abc import Callable

import pytest

from zigttp.errors import ImageError
from zigttp.oci import build, inspect, layer
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


HOSTILE = "complete\x1b[2K\rFAKE\nline\x9b31m\u202etxt.exe\x07"
SHOWN = "complete\\x1b[2K\\rFAKE\\nline\\x9b31m\\u202etxt.exe\\x07"


def test_text_shows_control_characters_as_escapes(make_image: MakeImage) -> None:
    image = make_image(
        labels={"zigttp.proof-level": HOSTILE, f"team{HOSTILE}": HOSTILE},
        annotations={"note": HOSTILE},
    )
    described = inspect.describe(image)
    described["images"][0]["layers"][0]["files"][0]["name"] = HOSTILE

    shown = inspect.text(described)

    assert not set(shown) & {"\x1b", "\r", "\x07", "\x9b", "\u202e"}
    assert f"    proof-level        {SHOWN}\n" in shown
    assert f"  label       team{SHOWN}={SHOWN}\n" in shown
    assert f"  annotation  note={SHOWN}\n" in shown
    assert shown.endswith(f"  {SHOWN}\n")
    assert len(shown.splitlines()) == len(
        inspect.text(inspect.describe(image)).splitlines()
    )


def test_json_keeps_the_exact_strings(make_image: MakeImage) -> None:
    image = make_image(labels={"zigttp.proof-level": HOSTILE})

    described = inspect.describe(image)

    assert described["images"][0]["labels"]["zigttp.proof-level"] == HOSTILE


def test_a_layer_that_unpacks_large_is_listed_in_bounded_memory(
    make_image: MakeImage,
) -> None:
    size = 48 * 1024 * 1024
    image = make_image(binary=bytes(size))  # zeros: a 48 MiB file in ~50 KB of gzip
    assert len(image.layers[0]) < size // 100

    tracemalloc.start()
    try:
        described = inspect.describe(image)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    [entry] = described["images"][0]["layers"][0]["files"]
    assert entry["size"] == size
    assert entry["sha256"] == hashlib.sha256(bytes(size)).hexdigest()
    assert peak < 4 * 1024 * 1024


@pytest.mark.parametrize("compression", ["gzip", "zstd"])
def test_a_layer_past_the_cap_is_refused(
    make_image: MakeImage, monkeypatch: pytest.MonkeyPatch, compression: str
) -> None:
    image = make_image(binary=bytes(64 * 1024), compression=compression)
    monkeypatch.setattr(layer, "MAX_UNCOMPRESSED", 32 * 1024)

    with pytest.raises(ImageError, match="unpacks to more than 32768 bytes"):
        inspect.describe(image)
