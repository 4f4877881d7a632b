"""Fixtures every test folder may use: one zigttp build cache for the session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from zigttp.toolchain import build, targets

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
