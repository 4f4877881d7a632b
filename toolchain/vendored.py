"""Files shipped in zigttp.vendor: the engine pin and our runtime's C sources."""

from __future__ import annotations

import importlib.resources
import json
from dataclasses import dataclass
from pathlib import Path

from zigttp.errors import ToolchainError

RUNTIME_SUFFIXES = (".c", ".h", ".js")


@dataclass(frozen=True)
class EnginePin:
    """The one engine release we build against, and how to check we got it."""

    name: str
    version: str
    file: str
    sha256: str
    sources: str
    compile: tuple[str, ...]


def root() -> Path:
    """The installed vendor folder."""
    return Path(str(importlib.resources.files("zigttp.vendor")))


def engine_pin() -> EnginePin:
    """Read the engine pin from vendor/lock.json."""
    path = root() / "lock.json"
    try:
        engine = json.loads(path.read_text(encoding="utf-8"))["engine"]
        return EnginePin(
            name=engine["name"],
            version=engine["version"],
            file=engine["file"],
            sha256=engine["sha256"],
            sources=engine["sources"],
            compile=tuple(engine["compile"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ToolchainError(
            f"reading the engine pin {path}: {error}; reinstall zigttp"
        ) from error


def runtime_dir() -> Path:
    """The folder with the runtime's C and JavaScript sources."""
    return root() / "runtime"


def runtime_files() -> list[Path]:
    """Every runtime source file, in a stable order."""
    folder = runtime_dir()
    files = sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and path.suffix in RUNTIME_SUFFIXES
    )
    if not files:
        raise ToolchainError(f"no runtime sources in {folder}: reinstall zigttp")
    return files
