"""Fixtures every test folder may use: one zigttp build cache for the session."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from zigttp.toolchain import build, targets

from .tools import require_tool

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def build_cache() -> Iterator[Path]:
    """ZIGTTP_CACHE_DIR for the session, with the host runtime already built.

    An existing ZIGTTP_CACHE_DIR is used as it is; otherwise the cache lives in
    test-artifacts/ so the ~1 minute first build happens once per checkout.
    """
    path = Path(os.environ.get("ZIGTTP_CACHE_DIR") or REPO / "test-artifacts" / "cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ZIGTTP_CACHE_DIR", str(path))
        build.warm([targets.host()])
        yield path


@pytest.fixture
def tool_env(tmp_path: Path) -> dict[str, str]:
    """Environment for skopeo and umoci: a private, writable XDG_RUNTIME_DIR."""
    runtime = tmp_path / "xdg-runtime"
    runtime.mkdir(mode=0o700)
    return {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(tmp_path)}


@pytest.fixture
def run_tool(
    tool_env: dict[str, str],
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run a real image tool and insist that it succeeds."""

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        require_tool(args[0])
        result = subprocess.run(
            args, env=tool_env, cwd=cwd, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stderr}"
        return result

    return run
