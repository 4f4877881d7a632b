"""Files shipped in zigttp.vendor: the source pins and our runtime's sources."""

from __future__ import annotations

import importlib.resources
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from zigttp.errors import ToolchainError

RUNTIME_SUFFIXES = (".c", ".h", ".js", ".zig")
P = TypeVar("P", bound="Pin")


@dataclass(frozen=True)
class Pin:
    """One source distribution on the package index, and its sha256."""

    name: str
    version: str
    file: str
    sha256: str


@dataclass(frozen=True)
class EnginePin(Pin):
    """The one engine release we build against, and how to check we got it."""

    sources: str
    compile: tuple[str, ...]


@dataclass(frozen=True)
class RootsPin(Pin):
    """The CA certificate bundle built into the runtime for https, and its check."""

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
    return _read_pin(
        "engine",
        "the engine pin",
        lambda entry: EnginePin(
            **_common(entry),
            sources=entry["sources"],
            compile=tuple(entry["compile"]),
        ),
    )


def roots_pin() -> RootsPin:
    """Read the CA bundle pin from vendor/lock.json."""
    return _read_pin(
        "ca_roots",
        "the CA bundle pin",
        lambda entry: RootsPin(**_common(entry), member=entry["member"]),
    )


def _read_pin(key: str, what: str, make: Callable[[Any], P]) -> P:
    """`make` applied to the lock's entry `key`; a missing or mistyped field is
    a ToolchainError naming `what`."""
    path, lock = _lock()
    try:
        return make(lock[key])
    except (KeyError, TypeError) as error:
        message = f"reading {what} {path}: {error}; reinstall zigttp"
        raise ToolchainError(message) from error


def _common(entry: Any) -> dict[str, str]:
    """The fields every pin has."""
    return {field: entry[field] for field in ("name", "version", "file", "sha256")}


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
