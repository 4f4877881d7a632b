"""zigttp:crypto: sha256 and hmacSha256 in hex, base64 of UTF-8 text."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator

import pytest

from . import calls
from .calls import UNDEFINED
from .conftest import Launch
from .handlers import Server


@pytest.fixture(scope="module")
def crypto(launch: Launch) -> Iterator[Server]:
    yield launch(calls.caller("crypto"))


@pytest.mark.parametrize(
    "text",
    ["", "abc", "héllo wörld ✓", "x" * 1000, "line\nbreak\u0000nul"],
    ids=["empty", "abc", "utf8", "long", "control"],
)
def test_sha256_is_the_hex_digest_of_the_utf8_bytes(crypto: Server, text: str) -> None:
    expected = hashlib.sha256(text.encode()).hexdigest()

    assert calls.call(crypto, "sha256", text) == expected


@pytest.mark.parametrize(
    ("key", "data"),
    [
        ("key", "The quick brown fox jumps over the lazy dog"),
        ("", ""),
        ("k" * 64, "exactly one block of key"),
        ("k" * 200, "a key longer than a block is hashed first"),
        ("clé", "données"),
    ],
    ids=["classic", "empty", "block-key", "long-key", "utf8"],
)
def test_hmac_sha256_takes_the_key_first(crypto: Server, key: str, data: str) -> None:
    expected = hmac.new(key.encode(), data.encode(), hashlib.sha256).hexdigest()

    assert calls.call(crypto, "hmacSha256", key, data) == expected


@pytest.mark.parametrize(
    "text", ["", "f", "fo", "foo", "foob", "héllo ✓", "a\nb"], ids=repr
)
def test_base64_round_trips_utf8_text(crypto: Server, text: str) -> None:
    encoded = calls.call(crypto, "base64Encode", text)

    assert encoded == base64.b64encode(text.encode()).decode()
    assert calls.call(crypto, "base64Decode", encoded) == text


@pytest.mark.parametrize(
    ("encoded", "text"),
    [("Zm9v", "foo"), ("Zm8", "fo"), ("Zm8=", "fo"), ("", "")],
    ids=["padded-free", "unpadded", "padded", "empty"],
)
def test_base64_decode_accepts_missing_padding(
    crypto: Server, encoded: str, text: str
) -> None:
    assert calls.call(crypto, "base64Decode", encoded) == text


@pytest.mark.parametrize(
    ("function", "args"),
    [
        ("sha256", [None]),
        ("sha256", [12]),
        ("hmacSha256", ["only a key"]),
        ("base64Encode", [{}]),
        ("base64Decode", ["not*base64"]),
        ("base64Decode", ["Z"]),
    ],
    ids=["null", "number", "missing-data", "object", "bad-character", "bad-length"],
)
def test_arguments_that_are_not_text_give_undefined(
    crypto: Server, function: str, args: list[object]
) -> None:
    assert calls.call(crypto, function, *args) is UNDEFINED
