"""The build's table of zigttp modules and exports is what the runtime provides."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

import httpx
import pytest

from zigttp.contract import capabilities, program, specifiers
from zigttp.contract.virtual_modules import EXPORTS, MODULES, TYPES_MODULE

from .served import Handler, host_binary

WriteProject = Callable[[Mapping[str, str | bytes]], Path]


def _every_export_handler() -> str:
    """A handler importing every listed name by name and every module whole.

    It answers, per module, the type of each named import and the export names
    the engine sees on the module namespace. A name the runtime lacks stops the
    binary at start; a name the table lacks shows up in the namespace.
    """
    lines: list[str] = []
    answer: dict[str, str] = {}
    for number, (module, names) in enumerate(sorted(EXPORTS.items())):
        aliases = [f"m{number}_{name}" for name in names]
        renamed = ", ".join(
            f"{name} as {alias}" for name, alias in zip(names, aliases, strict=True)
        )
        lines.append(f'import {{ {renamed} }} from "{module}";')
        lines.append(f'import * as m{number} from "{module}";')
        types = ", ".join(
            f"{json.dumps(name)}: typeof {alias}"
            for name, alias in zip(names, aliases, strict=True)
        )
        answer[module] = f"{{ named: {{ {types} }}, keys: Object.keys(m{number}) }}"

    body = ", ".join(
        f"{json.dumps(module)}: {value}" for module, value in answer.items()
    )
    lines.append(f"export function handler() {{ return Response.json({{ {body} }}); }}")
    return "\n".join(lines) + "\n"


def test_every_tracked_function_is_an_export_of_its_module() -> None:
    for module, functions in capabilities.TRACKED.items():
        assert set(functions) <= set(EXPORTS[module]), module


def test_every_module_is_importable_under_both_prefixes() -> None:
    for module in MODULES:
        name = module.removeprefix("zigttp:")
        assert specifiers.virtual_module(f"zigttp:{name}") == module
        assert specifiers.virtual_module(f"zttp:{name}") == module
    assert TYPES_MODULE not in EXPORTS


@pytest.mark.slow
def test_runtime_provides_exactly_the_listed_exports(
    build_cache: Path, write_project: WriteProject, tmp_path: Path
) -> None:
    root = write_project({"handler.ts": _every_export_handler()})
    loaded = program.load(root / "handler.ts")
    handler = Handler(host_binary(loaded, tmp_path / "zigttp-handler"), {})

    try:
        answer = httpx.get(f"{handler.url}/").json()
    finally:
        handler.stop()

    assert set(answer) == set(EXPORTS)
    for module, names in EXPORTS.items():
        assert answer[module] == {
            "named": dict.fromkeys(names, "function"),
            "keys": sorted(names),
        }, module
