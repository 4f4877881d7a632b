"""Canonical JSON: the exact bytes that zigttp hashes, writes and pushes."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def dumps(value: Any) -> bytes:
    """Keys sorted by code point, no whitespace, UTF-8, only the escapes JSON needs."""
    text = json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return text.encode("utf-8")


def sha256_hex(value: Any) -> str:
    """Lowercase hex sha256 of the canonical form of `value`."""
    return hashlib.sha256(dumps(value)).hexdigest()
