"""The handler payload: contract and module bytecode appended to the runtime.

    binary  = runtime || payload || trailer
    payload = section*
    section = u32 kind | u32 name_len | name | u32 data_len | data
    trailer = u64 payload_len | sha256(payload) | b"ZTTPPAY1"      (48 bytes)

Integers are little-endian. Kind 1 is the contract (canonical JSON, named
"contract.json"), kind 2 a module's bytecode; the first module is the entry.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from zigttp.errors import ToolchainError

MAGIC = b"ZTTPPAY1"
TRAILER_SIZE = 48
KIND_CONTRACT = 1
KIND_MODULE = 2
CONTRACT_NAME = "contract.json"


@dataclass(frozen=True)
class Payload:
    """What a handler binary carries besides the runtime."""

    contract: bytes
    modules: tuple[tuple[str, bytes], ...]  # (name, bytecode), entry first


def _section(kind: int, name: str, data: bytes) -> bytes:
    encoded = name.encode("utf-8")
    return (
        struct.pack("<II", kind, len(encoded))
        + encoded
        + struct.pack("<I", len(data))
        + data
    )


def pack(contract: bytes, modules: Sequence[tuple[str, bytes]]) -> bytes:
    """The payload and its trailer, ready to append to a runtime."""
    if not modules:
        raise ToolchainError("packing a handler payload: there is no module to pack")

    sections = [_section(KIND_CONTRACT, CONTRACT_NAME, contract)]
    sections += [_section(KIND_MODULE, name, code) for name, code in modules]
    payload = b"".join(sections)
    digest = hashlib.sha256(payload).digest()
    return payload + struct.pack("<Q", len(payload)) + digest + MAGIC


def unpack(binary: bytes) -> Payload:
    """Read the payload back from a handler binary, checking it as the runtime does."""
    if len(binary) < TRAILER_SIZE or binary[-8:] != MAGIC:
        raise ToolchainError(
            "reading a handler binary: it has no zigttp payload trailer"
        )

    trailer = binary[-TRAILER_SIZE:]
    (length,) = struct.unpack("<Q", trailer[:8])
    if length == 0 or length > len(binary) - TRAILER_SIZE:
        raise ToolchainError(
            f"reading a handler binary: payload length {length} does not fit the file"
        )
    payload = binary[-TRAILER_SIZE - length : -TRAILER_SIZE]
    if hashlib.sha256(payload).digest() != trailer[8:40]:
        raise ToolchainError("reading a handler binary: the payload's sha256 is wrong")

    return _sections(payload)


def _sections(payload: bytes) -> Payload:
    contract = None
    modules: list[tuple[str, bytes]] = []
    at = 0
    try:
        while at < len(payload):
            kind, name_len = struct.unpack_from("<II", payload, at)
            at += 8
            name = payload[at : at + name_len].decode("utf-8")
            at += name_len
            (data_len,) = struct.unpack_from("<I", payload, at)
            at += 4
            data = payload[at : at + data_len]
            if len(data) != data_len:
                raise ValueError("section data cut short")
            at += data_len
            if kind == KIND_CONTRACT:
                contract = data
            elif kind == KIND_MODULE:
                modules.append((name, data))
            else:
                raise ValueError(f"unknown section kind {kind}")
    except (struct.error, ValueError) as error:
        raise ToolchainError(f"reading a handler payload: {error}") from error

    if contract is None or not modules:
        raise ToolchainError(
            "reading a handler payload: no contract or no module in it"
        )
    return Payload(contract=contract, modules=tuple(modules))
