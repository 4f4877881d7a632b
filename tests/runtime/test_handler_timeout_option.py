"""--handler-timeout takes a millisecond to a day; anything else stops the start.

A larger timeout used to wrap around once turned into nanoseconds and
interrupt every handler at once; a value out of range is now refused before
the server starts, with exit 1.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest

from . import handlers
from .conftest import StartServer

HELLO = "export default () => Response.json({ ok: true });"

REFUSAL = (
    "zigttp-handler: --handler-timeout needs a number of seconds from 0.001 to 86400\n"
)


def _exit_of(path: Path, args: Sequence[str]) -> tuple[int, str] | None:
    """The exit status and stderr of the binary, or None if it kept running."""
    argv = [str(path), "-h", "127.0.0.1", "-p", "0", *args]
    try:
        result = subprocess.run(
            argv, env=handlers.base_env(), capture_output=True, timeout=5
        )
    except subprocess.TimeoutExpired:
        return None
    return result.returncode, result.stderr.decode()


@pytest.mark.parametrize(
    "args",
    [
        ["--handler-timeout", "0.0009"],
        ["--handler-timeout", "0"],
        ["--handler-timeout", "-1"],
        ["--handler-timeout", "86400.5"],
        ["--handler-timeout", "86401"],
        ["--handler-timeout", "1e9"],
        ["--handler-timeout", "1e300"],
        ["--handler-timeout", "1e-400"],
        ["--handler-timeout", "inf"],
        ["--handler-timeout", "nan"],
        ["--handler-timeout", "ten"],
        ["--handler-timeout", ""],
        ["--handler-timeout=100000"],
        ["--handler-timeout"],
    ],
)
def test_a_timeout_outside_a_millisecond_to_a_day_stops_the_start(
    build_cache: Path, tmp_path: Path, args: list[str]
) -> None:
    path = handlers.binary(HELLO, tmp_path)

    result = _exit_of(path, args)

    assert result == (1, REFUSAL)


@pytest.mark.parametrize("value", ["0.001", "86400", "1e-3", "8.64e4"])
def test_the_ends_of_the_range_are_accepted(
    build_cache: Path, tmp_path: Path, value: str
) -> None:
    path = handlers.binary(HELLO, tmp_path)

    result = _exit_of(path, ["--handler-timeout", value, "--contract"])

    assert result is not None
    assert result[0] == 0


def test_a_day_long_timeout_serves_requests(start_server: StartServer) -> None:
    server = start_server(HELLO, args=["-q", "--handler-timeout", "86400"])

    answer = httpx.get(server.url + "/", timeout=5)

    assert answer.json() == {"ok": True}
