"""Fixtures for control-plane tests: the real server as a subprocess, real images."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator

import pytest

from zigttp import dirs

from .stack import FIXTURES, Running, module_plane


@pytest.fixture(scope="module")
def plane(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """A dev control plane for one test module, with short test knobs."""
    yield from module_plane(tmp_path_factory.mktemp("plane"), health_timeout="15")


@pytest.fixture(scope="session")
def standin_binary(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A static HTTP server standing in for a handler binary (cached by source)."""
    source = FIXTURES / "standin_server.c"
    key = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    cached = dirs.cache_dir() / "test-standin" / key / "zigttp-handler"
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        temp = cached.with_suffix(".tmp")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "ziglang",
                "cc",
                "-target",
                "x86_64-linux-musl",
                "-O2",
                "-s",
                "-static",
                "-o",
                str(temp),
                str(source),
            ],
            check=True,
            timeout=600,
            capture_output=True,
        )
        temp.replace(cached)
    return cached.read_bytes()
