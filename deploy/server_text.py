"""Text the control plane sent, made safe to show on a terminal.

Every string that comes from the control plane and may be printed (plan ids,
reasons, emails, URLs, messages, log lines) passes through `clean` or `line`
when it is read, so a hostile or broken server cannot move the cursor, clear
the screen or retitle the window: each control character becomes `?`, each
kind of blank a plain space, and the text is cut to a bounded length.
"""

from __future__ import annotations

from typing import Any

from zigttp import untrusted

MAX_TEXT = 300
MAX_LOG_LINE = 500
REPLACEMENT = "?"


def clean(value: Any, limit: int = MAX_TEXT) -> str:
    """`value` as one printable line without surrounding blanks, at most `limit`."""
    return _bounded(_printable(str(value)).strip(), limit)


def line(value: Any, limit: int = MAX_LOG_LINE) -> str:
    """A log line: printable, its indentation kept, at most `limit` characters."""
    return _bounded(_printable(str(value)).rstrip(), limit)


def field(body: dict[str, Any], key: str, limit: int = MAX_TEXT) -> str:
    """`body[key]` cleaned when it is a string; "" for anything else."""
    value = body.get(key)
    return clean(value, limit) if isinstance(value, str) else ""


def items(value: Any, limit: int = MAX_TEXT) -> list[str]:
    """The items of a JSON list, each cleaned; anything else is an empty list."""
    return [clean(item, limit) for item in value] if isinstance(value, list) else []


def _printable(text: str) -> str:
    return untrusted.replaced(text, REPLACEMENT)


def _bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
