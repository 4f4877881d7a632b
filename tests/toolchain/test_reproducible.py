"""The same handler gives the same bytes, whatever the cache folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.runtime import handlers
from zigttp.toolchain import build, runtime, targets, zig

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


def test_a_warm_build_runs_no_compiler(
    build_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    contract = handlers.contract_json()
    first = build.handler_binary(MODULES, contract, targets.host())

    def rebuilt(*args: object, **kwargs: object) -> str:
        raise AssertionError("a warm build ran the compiler again")

    monkeypatch.setattr(zig, "run", rebuilt)
    again = build.handler_binary(MODULES, contract, targets.host())

    assert again == first
