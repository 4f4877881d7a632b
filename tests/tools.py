"""The Debian tools the suite drives, and what happens when one is missing."""

from __future__ import annotations

import os
import shutil

import pytest


def require_tool(name: str) -> str:
    """The tool's path; a skip (or in CI a failure) when it is not installed."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (CI installs it from Debian)"
        if os.environ.get("ZIGTTP_TEST_REQUIRE_TOOLS"):
            pytest.fail(message)
        pytest.skip(message)
    return path
