"""Text written by someone else, made safe to show on a terminal.

A label, a file name in a layer, a registry's or control plane's message, a
source line quoted in a diagnostic: shown raw, its escape sequences and carriage
returns would act on the terminal (move the cursor, erase a line, retitle the
window, paint a fake line over a real one). One definition of what is active,
two renderings: `printable` shows each such character as an escape, `replaced`
puts a plain stand-in in its place.
"""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 controls, DEL, line and paragraph separators, and the invisible or
# bidirectional marks that hide or reorder what is shown.
ACTIVE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` with every character a terminal would act on written as an escape."""
    return ACTIVE.sub(_escape, text)


def replaced(text: str, stand_in: str = "?") -> str:
    """`text` with blank controls as spaces and every other active one `stand_in`."""
    return ACTIVE.sub(lambda found: " " if found.group().isspace() else stand_in, text)


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
