"""Where zigttp keeps its build cache and the user's sign-in state."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def cache_dir() -> Path:
    """The build cache: `ZIGTTP_CACHE_DIR`, else the platform's cache folder."""
    override = os.environ.get("ZIGTTP_CACHE_DIR")
    if override:
        return Path(override).expanduser().absolute()

    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "zigttp"

    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base.absolute() / "zigttp"


def home_dir() -> Path:
    """Sign-in state: `ZIGTTP_HOME`, else `~/.zigttp`."""
    override = os.environ.get("ZIGTTP_HOME")
    if override:
        return Path(override).expanduser().absolute()
    return Path.home() / ".zigttp"
