"""The handler binary as a program: its payload, command line and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zigttp.toolchain import payload

from . import handlers

HELLO = "export default () => Response.json({ hello: 'world' });"


def test_contract_flag_prints_the_embedded_contract(
    build_cache: Path, tmp_path: Path
) -> None:
    contract = handlers.contract_json(["TOKEN"])
    path = handlers.binary(HELLO, tmp_path, contract)

    result = handlers.run(path, ["--contract"])

    assert result.returncode == 0
    assert result.stdout == contract + b"\n"
    assert json.loads(result.stdout)["env"]["names"] == ["TOKEN"]


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda data: data[:-60] + bytes([data[-60] ^ 1]) + data[-59:], "sha256"),
        (lambda data: data[:-1] + b"X", "no payload trailer"),
        (lambda data: data[:-48] + b"\xff" * 8 + data[-40:], "does not fit"),
    ],
    ids=["flipped-byte", "bad-magic", "bad-length"],
)
def test_damaged_payload_exits_2(
    build_cache: Path, tmp_path: Path, damage, reason: str
) -> None:
    path = handlers.binary(HELLO, tmp_path)
    path.write_bytes(damage(path.read_bytes()))

    result = handlers.run(path, ["-p", "0"])

    assert result.returncode == 2
    assert result.stderr.decode().startswith("zigttp-handler: payload damaged: ")
    assert reason in result.stderr.decode()


def test_payload_round_trips_through_the_binary(
    build_cache: Path, tmp_path: Path
) -> None:
    contract = handlers.contract_json()
    path = handlers.binary(
        [("handler.js", HELLO), ("lib/a.js", "export const a = 1;")], tmp_path, contract
    )

    unpacked = payload.unpack(path.read_bytes())

    assert unpacked.contract == contract
    assert [name for name, _ in unpacked.modules] == ["handler.js", "lib/a.js"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("export const notAHandler = 1;", "exports no handler"),
        (
            'import { x } from "zigttp:nope";\nexport default () => 1;',
            "unknown module zigttp:nope",
        ),
        (
            'throw new Error("at load");\nexport default () => 1;',
            "its top level threw: Error: at load",
        ),
        ('import { nothing } from "zigttp:env";\nexport default () => 1;', "nothing"),
    ],
)
def test_handler_that_cannot_load_exits_3(
    build_cache: Path, tmp_path: Path, source: str, message: str
) -> None:
    path = handlers.binary(source, tmp_path)

    result = handlers.run(path, ["-p", "0"])

    assert result.returncode == 3
    assert result.stderr.decode().startswith(
        "zigttp-handler: cannot load the handler: "
    )
    assert message in result.stderr.decode()


@pytest.mark.parametrize(
    "args",
    [["--port", "70000"], ["-p"], ["--bogus"], ["--handler-timeout", "0"]],
)
def test_bad_arguments_exit_1(
    build_cache: Path, tmp_path: Path, args: list[str]
) -> None:
    path = handlers.binary(HELLO, tmp_path)

    result = handlers.run(path, args)

    assert result.returncode == 1
    assert result.stderr.decode().startswith("zigttp-handler: ")


def test_port_in_use_exits_1(build_cache: Path, tmp_path: Path) -> None:
    path = handlers.binary(HELLO, tmp_path)
    first = handlers.Server(path, env=handlers.base_env())
    try:
        result = handlers.run(path, ["-h", "127.0.0.1", "-p", str(first.port)])
    finally:
        first.stop()

    assert result.returncode == 1
    assert "cannot listen on 127.0.0.1:" in result.stderr.decode()
