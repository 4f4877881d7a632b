"""Fixtures for CLI tests: the real `zigttp` command run as a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_cli(build_cache: Path) -> RunCli:
    """run_cli(*args, cwd=None, env={}, stdin=None) -> CompletedProcess (text)."""

    def run(
        *args: str,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        stdin: str | None = None,
        timeout: float = 300,
    ) -> subprocess.CompletedProcess[str]:
        merged = {**os.environ, "ZIGTTP_CACHE_DIR": str(build_cache), "NO_COLOR": "1"}
        merged.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "zigttp", *args],
            cwd=cwd,
            env=merged,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    return run


@pytest.fixture
def example(tmp_path: Path) -> Callable[[str], Path]:
    """example("hello") -> a private copy of examples/hello under tmp_path."""

    def copy(name: str, where: Path | None = None) -> Path:
        target = (where or tmp_path) / name
        shutil.copytree(EXAMPLES / name, target)
        return target

    return copy
