"""Handler discovery and the checked text of one source file."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from zigttp.errors import HandlerNotFound, SourceError

HANDLER_PATHS: tuple[str, ...] = (
    "handler.ts",
    "handler.tsx",
    "handler.jsx",
    "handler.js",
    "src/handler.ts",
    "src/handler.tsx",
    "src/handler.jsx",
    "src/handler.js",
)

EXTENSIONS: tuple[str, ...] = (".ts", ".tsx", ".js", ".jsx")

BOM = "\ufeff"

_HANDLER_NAMES = frozenset(Path(path).name for path in HANDLER_PATHS)


def find_handler(directory: Path) -> Path:
    """The first of HANDLER_PATHS that exists as a file under `directory`."""
    for relative in HANDLER_PATHS:
        candidate = directory / relative
        if candidate.is_file():
            return candidate

    raise HandlerNotFound(str(directory), HANDLER_PATHS)


def project_root(handler: Path) -> Path:
    """The project folder: the handler's folder, or its parent for `src/handler.*`."""
    folder = handler.absolute().parent
    if folder.name == "src" and handler.name in _HANDLER_NAMES:
        return folder.parent
    return folder


@dataclass(frozen=True)
class SourceText:
    """One file's text as the parser sees it, with byte offsets mapped to columns."""

    name: str
    text: str
    data: bytes = field(repr=False)
    sha256: str = ""  # of the file's bytes as read, BOM included

    @classmethod
    def read(cls, path: Path, name: str) -> SourceText:
        """Read and decode `path`; `name` is how errors refer to it."""
        return cls.decode(path.read_bytes(), name)

    @classmethod
    def decode(cls, raw: bytes, name: str) -> SourceText:
        """Decode UTF-8 (a leading BOM is dropped) or point at the first bad byte."""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line, column = _location(raw, error.start)
            bad = raw[error.start]
            raise SourceError(
                name,
                line,
                column,
                f"not UTF-8 text (byte 0x{bad:02x}): save it as UTF-8",
            ) from None

        text = text.removeprefix(BOM)
        digest = hashlib.sha256(raw).hexdigest()
        return cls(name=name, text=text, data=text.encode("utf-8"), sha256=digest)

    def location(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of a byte offset."""
        return _location(self.data, offset)

    def error(self, offset: int, problem: str) -> SourceError:
        """A SourceError pointing at a byte offset of this file."""
        line, column = self.location(offset)
        return SourceError(self.name, line, column, problem)


def _location(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    prefix = data[line_start:offset].decode("utf-8", errors="replace")
    return line, len(prefix) + 1
