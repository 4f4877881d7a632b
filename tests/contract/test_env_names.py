"""An env name .env could never define is a build error at the call."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from zigttp.contract import program
from zigttp.errors import SourceError

WriteProject = Callable[[Mapping[str, str | bytes]], Path]

IMPORT = 'import { env } from "zigttp:env";\n'
RULE = (
    "is not an env name .env can define: env names match [A-Za-z_][A-Za-z0-9_]* "
    "(ASCII letters, digits and _, not starting with a digit)"
)


def _handler(call: str) -> str:
    return (
        f"{IMPORT}export function handler() {{\n"
        f"  return Response.text({call} ?? '');\n}}\n"
    )


BAD_NAMES = [
    pytest.param(_handler('env("KEY_ü")'), f'3:24: "KEY_ü" {RULE}', id="non-ascii"),
    pytest.param(_handler("env('1ST')"), f'3:24: "1ST" {RULE}', id="leading-digit"),
    pytest.param(_handler("env('')"), f'3:24: "" {RULE}', id="empty"),
    pytest.param(_handler("env('API-KEY')"), f'3:24: "API-KEY" {RULE}', id="dash"),
    pytest.param(_handler("env('A B')"), f'3:24: "A B" {RULE}', id="space"),
    pytest.param(
        _handler("env('A\\nB')"), f'3:24: "A\\u000aB" {RULE}', id="newline-escaped"
    ),
    pytest.param(_handler("env('A\"B')"), f'3:24: "A\\"B" {RULE}', id="quote-escaped"),
    pytest.param(
        _handler("env('A\\u202eB\\u{E0001}')"),
        f'3:24: "A\\u202eB\\u{{e0001}}" {RULE}',
        id="invisible-characters-escaped",
    ),
    pytest.param(
        _handler(f"env('{'X' * 50}.')"),
        f'3:24: "{"X" * 40}..." {RULE}',
        id="long-name-cut-short",
    ),
    pytest.param(
        'import * as platform from "zttp:env";\nconst NAME = "DB.URL";\n'
        "export function handler() {\n"
        "  return Response.text(platform.env(`${NAME}`) ?? '');\n}\n",
        f'4:24: "DB.URL" {RULE}',
        id="namespace-call-of-a-const-template",
    ),
    pytest.param(
        'import { env as read } from "zigttp:env";\n'
        "const value = read('OK_1') + read('NOT' + ' OK');\n"
        "export function handler() { return Response.text(value); }\n",
        f'2:30: "NOT OK" {RULE}',
        id="renamed-import-second-call",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD_NAMES)
def test_env_name_outside_the_rule_is_a_build_error(
    write_project: WriteProject, text: str, message: str
) -> None:
    root = write_project({"handler.ts": text})

    with pytest.raises(SourceError) as raised:
        program.load(root / "handler.ts")

    assert str(raised.value) == f"handler.ts:{message}"


@pytest.mark.parametrize("name", ["A", "_", "_PRIVATE", "lower_case", "KEY_2"])
def test_env_name_inside_the_rule_is_proven(
    write_project: WriteProject, name: str
) -> None:
    root = write_project({"handler.ts": _handler(f"env('{name}')")})

    contract = program.load(root / "handler.ts").contract

    assert (contract.env, contract.proof_level) == ((name,), "complete")


def test_computed_env_name_stays_dynamic(write_project: WriteProject) -> None:
    root = write_project({"handler.ts": _handler("env(String(Math.random()))")})

    contract = program.load(root / "handler.ts").contract

    assert (contract.env, contract.env_dynamic) == ((), True)
