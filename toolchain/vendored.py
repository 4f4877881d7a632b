"""Files shipped in zigttp.vendor: the source pins and our runtime's sources."""

from __future__ import annotations

import importlib.resources
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zigttp.errors import ToolchainError

RUNTIME_SUFFIXES = (".c", ".h", ".js", ".zig")


@dataclass(frozen=True)
class EnginePin:
    """The one engine release we build against, and how to check we got it."""

    name: str
    version: str
    file: str
    sha256: str
    sources: str
    compile: tuple[str, ...]


@dataclass(frozen=True)
class RootsPin:
    """The CA certificate bundle built into the runtime for https, and its check."""

    name: str
    version: str
    file: str
    sha256: str
    member: str  # the PEM file inside the source distribution


def root() -> Path:
    """The installed vendor folder."""
    return Path(str(importlib.resources.files("zigttp.vendor")))


def _lock() -> tuple[Path, dict[str, Any]]:
    path = root() / "lock.json"
    try:
        return path, json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ToolchainError(
            f"reading the source pins {path}: {error}; reinstall zigttp"
        ) from error


def engine_pin() -> EnginePin:
    """Read the engine pin from vendor/lock.json."""
    path, lock = _lock()
    try:
        engine = lock["engine"]
        return EnginePin(
            name=engine["name"],
            version=engine["version"],
            file=engine["file"],
            sha256=engine["sha256"],
            sources=engine["sources"],
            compile=tuple(engine["compile"]),
        )
    except (KeyError, TypeError) as error:
        raise ToolchainError(
            f"reading the engine pin {path}: {error}; reinstall zigttp"
        ) from error


def roots_pin() -> RootsPin:
    """Read the CA bundle pin from vendor/lock.json."""
    path, lock = _lock()
    try:
        roots = lock["ca_roots"]
        return RootsPin(
            name=roots["name"],
            version=roots["version"],
            file=roots["file"],
            sha256=roots["sha256"],
            member=roots["member"],
        )
    except (KeyError, TypeError) as error:
        raise ToolchainError(
            f"reading the CA bundle pin {path}: {error}; reinstall zigttp"
        ) from error


def runtime_dir() -> Path:
    """The folder with the runtime's C, Zig and JavaScript sources."""
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
