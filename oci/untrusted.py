"""Text from images and registries, made safe to show on a terminal.

A label, an annotation, a file name in a layer or a registry's error message is
written by whoever made the image or runs the registry. Shown raw, its escape
sequences and carriage returns would act on the terminal: move the cursor,
erase a line, retitle the window, or paint a fake line over a real one.
"""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 controls, DEL, and the bidirectional marks that reorder what is shown.
_ACTIVE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` with every character a terminal would act on written as an escape."""
    return _ACTIVE.sub(_escape, text)


def printable_all(value: Any) -> Any:
    """A copy of JSON-like data with every string in it, keys too, printable."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_all(key): printable_all(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [printable_all(item) for item in value]
    return value


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
