"""Fixtures for the OCI tests: small images and what real image tools need."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from zigttp.oci import build
from zigttp.oci.image import Image
from zigttp.oci.layer import Compression

# Any bytes do as the "binary": the image code never looks inside it.
BINARY = b"\x7fELF not really, but the layer does not care\n" * 20


def small_image(
    binary: bytes = BINARY,
    platform: str = "linux/amd64",
    epoch: int | None = 1_700_000_000,
    compression: Compression = "gzip",
    labels: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
) -> Image:
    """An image built the way `zigttp build` builds one, from made-up inputs."""
    return build.image(
        binary=binary,
        platform=platform,
        labels={"zigttp.proof-level": "complete"} if labels is None else labels,
        annotations={} if annotations is None else annotations,
        epoch=epoch,
        compression=compression,
    )


@pytest.fixture
def make_image() -> Callable[..., Image]:
    """`small_image` as a fixture, so test modules need not import this file."""
    return small_image


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
    """Run a real image tool, skipping the test when it is not installed."""

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        if shutil.which(args[0]) is None:
            pytest.skip(f"{args[0]} is not installed (CI installs it from Debian)")
        result = subprocess.run(
            args, env=tool_env, cwd=cwd, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stderr}"
        return result

    return run
