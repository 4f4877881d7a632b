"""The same handler gives the same bytes, whatever the cache folder."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.runtime import handlers
from zigttp.toolchain import build, runtime, targets

MODULES = [
    (
        "handler.js",
        'import { n } from "./lib/n.js";\nexport default () => Response.json({ n });',
    ),
    ("lib/n.js", "export const n = 7;"),
]


@pytest.mark.slow
def test_two_cache_folders_give_byte_identical_binaries(
    build_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    contract = handlers.contract_json(["A"])
    host = targets.host()
    first = build.handler_binary(MODULES, contract, host)

    monkeypatch.setenv("ZIGTTP_CACHE_DIR", str(tmp_path / "elsewhere" / "cache"))
    second = build.handler_binary(MODULES, contract, host)

    assert runtime.runtime_binary(host).is_relative_to(tmp_path)
    assert second == first


def test_warm_build_takes_well_under_a_second(build_cache: Path) -> None:
    contract = handlers.contract_json()
    first = build.handler_binary(MODULES, contract, targets.host())

    started = time.monotonic()
    again = build.handler_binary(MODULES, contract, targets.host())
    took = time.monotonic() - started

    assert again == first
    assert took < 1.0
