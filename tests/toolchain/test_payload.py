"""The payload format: what pack writes, unpack reads back and refuses."""

from __future__ import annotations

import hashlib
import struct

import pytest

from zigttp.errors import ToolchainError
from zigttp.toolchain import payload

RUNTIME = b"\x7fELF runtime bytes"
MODULES = [("handler.js", b"\x01entry"), ("lib/util.js", b"\x02util")]


def test_layout_matches_the_design() -> None:
    packed = payload.pack(b"{}", MODULES)

    body, trailer = packed[:-48], packed[-48:]
    assert trailer[-8:] == b"ZTTPPAY1"
    assert struct.unpack("<Q", trailer[:8]) == (len(body),)
    assert trailer[8:40] == hashlib.sha256(body).digest()
    assert body.startswith(
        struct.pack("<II", 1, 13) + b"contract.json" + struct.pack("<I", 2) + b"{}"
    )


def test_round_trip_keeps_contract_and_module_order() -> None:
    unpacked = payload.unpack(RUNTIME + payload.pack(b'{"version":1}', MODULES))

    assert unpacked.contract == b'{"version":1}'
    assert unpacked.modules == tuple(MODULES)


def test_packing_is_deterministic() -> None:
    assert payload.pack(b"{}", MODULES) == payload.pack(b"{}", list(MODULES))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data[:-1] + b"!", "no zigttp payload trailer"),
        (lambda data: data[:30] + b"?" + data[31:], "sha256"),
        (
            lambda data: data[:-48] + struct.pack("<Q", 10**9) + data[-40:],
            "does not fit",
        ),
        (lambda data: b"", "no zigttp payload trailer"),
    ],
    ids=["magic", "flipped-byte", "length", "empty"],
)
def test_damage_is_refused(damage, message: str) -> None:
    data = RUNTIME + payload.pack(b"{}", MODULES)

    with pytest.raises(ToolchainError, match=message):
        payload.unpack(damage(data))


def test_packing_nothing_is_an_error() -> None:
    with pytest.raises(ToolchainError, match="no module"):
        payload.pack(b"{}", [])
