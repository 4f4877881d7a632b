"""An interrupted build stops every compiler it started, grandchildren included."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from zigttp.toolchain import runtime, targets, zig

SLOW_COMPILER = """#!/bin/sh
sleep 60 &
echo $! >> "{pids}"
wait
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat").read_text().split()
    return status[2] != "Z"


def test_an_interrupt_stops_the_compilers_in_flight(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pids = tmp_path / "pids"
    compiler = tmp_path / "zig"
    compiler.write_text(SLOW_COMPILER.format(pids=pids))
    compiler.chmod(0o755)
    monkeypatch.setenv("ZIGTTP_ZIG", str(compiler))
    monkeypatch.setenv("ZIGTTP_CACHE_DIR", str(tmp_path / "cache"))
    zig.command.cache_clear()

    def compile_slowly() -> None:
        zig.run("compiling slow.c", [], tmp_path)

    def interrupt() -> None:
        while not pids.exists() or len(pids.read_text().split()) < 1:
            time.sleep(0.02)
        raise KeyboardInterrupt

    build = runtime._Build(targets.host(), 3, lambda step: None)
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            build.run_all([compile_slowly, interrupt, compile_slowly])
    finally:
        zig.command.cache_clear()

    assert time.monotonic() - started < 10
    sleepers = [int(pid) for pid in pids.read_text().split()]
    assert sleepers
    assert not [pid for pid in sleepers if alive(pid)]
