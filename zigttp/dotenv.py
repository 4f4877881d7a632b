"""The project's `.env`: KEY=value lines, read strictly so a typo never ships."""

from __future__ import annotations

import re
from pathlib import Path

from zigttp.errors import DotenvError

KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# What a release may carry; the control plane enforces the same limits.
MAX_NAMES = 200
MAX_VALUE_BYTES = 32 * 1024

# Control characters a process environment cannot carry (NUL) or that would
# corrupt the log lines and terminals a value may reach; tab is fine.
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def load(path: Path) -> dict[str, str]:
    """The variables in `path`, in file order; a missing file is an empty one."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise DotenvError(str(path), 0, f"cannot read it: {error.strerror}") from error

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DotenvError(
            str(path), line, "not UTF-8 text: save it as UTF-8"
        ) from error

    return parse(text, str(path))


def parse(text: str, name: str = ".env") -> dict[str, str]:
    """Parse .env text; `name` is used in error messages."""
    values: dict[str, str] = {}
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r").strip()
        if not line or line.startswith("#"):
            continue
        key, value = parse_line(line, name, number)
        check_value(value, name, number)
        values[key] = value
        if len(values) > MAX_NAMES:
            raise DotenvError(
                name,
                number,
                f"more than {MAX_NAMES} variables: a release carries at most",
            )
    return values


def check_value(value: str, name: str, number: int) -> None:
    """Refuse what no environment can carry; never echo the value itself."""
    found = CONTROL.search(value)
    if found:
        code = f"0x{ord(found.group()):02x}"
        raise DotenvError(
            name,
            number,
            f"the value holds a control character ({code}): "
            "environment values cannot carry it",
        )
    if len(value.encode("utf-8")) > MAX_VALUE_BYTES:
        raise DotenvError(
            name, number, f"the value is longer than {MAX_VALUE_BYTES} bytes"
        )


def parse_line(line: str, name: str, number: int) -> tuple[str, str]:
    """One `[export ]KEY=value` line, the value optionally in matching quotes."""
    if line.startswith("export ") or line.startswith("export\t"):
        line = line[len("export") :].lstrip()

    key, equals, value = line.partition("=")
    key = key.strip()
    if not equals:
        raise DotenvError(name, number, "expected KEY=value (or a # comment)")
    if not KEY.fullmatch(key):
        raise DotenvError(
            name,
            number,
            f"{_shown(key)} is not a valid name: use letters, digits and _ "
            "and do not start with a digit",
        )
    return key, unquote(value.strip(), name, number)


def unquote(value: str, name: str, number: int) -> str:
    if not value or value[0] not in "'\"":
        return value

    quote = value[0]
    closing = value.find(quote, 1)
    if closing == -1:
        raise DotenvError(
            name, number, f"the value opens a {quote} quote it never closes"
        )
    if closing != len(value) - 1:
        raise DotenvError(
            name, number, f"text follows the closing {quote} quote: quote all of it"
        )
    return value[1:-1]


def _shown(key: str) -> str:
    """Show a bad key, cut short: it may be a pasted secret rather than a name."""
    return repr(key if len(key) <= 24 else key[:12] + "...")
