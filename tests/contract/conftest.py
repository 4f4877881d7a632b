"""Shared helpers for the contract tests: small projects written to a temp folder."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from zigttp.contract import program
from zigttp.contract.virtual_modules import EXPORTS

WriteProject = Callable[[Mapping[str, str | bytes]], Path]
Transform = Callable[[str, str], str]


@pytest.fixture
def write_project(tmp_path: Path) -> WriteProject:
    """Write {relative path: text or bytes} under a fresh folder; return the folder."""

    def write(files: Mapping[str, str | bytes]) -> Path:
        root = tmp_path / "project"
        for relative, content in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return write


@pytest.fixture
def transform(write_project: WriteProject) -> Transform:
    """The JavaScript of one library file (`lib.ts`, `lib.tsx`...) a handler imports."""

    def run(text: str, name: str = "lib.ts") -> str:
        root = write_project(
            {
                name: text,
                "handler.ts": f'import "./{name}";\nexport default () => 1;\n',
            }
        )
        loaded = program.load(root / "handler.ts")
        assert [module.name for module in loaded.modules] == ["handler.ts", name]
        return loaded.modules[1].javascript

    return run


NODE = shutil.which("node")

_HOOKS = """
import { readFile } from 'node:fs/promises';
// Stand-ins for the runtime's virtual modules: each export records its call.
const STUBS = %s;
export async function resolve(specifier, context, next) {
  if (specifier in STUBS) {
    const source = STUBS[specifier].map((name) =>
      `export const ${name} = (...args) => ({ call: '${specifier} ${name}', args });`
    ).join('\\n');
    const url = 'data:text/javascript,' + encodeURIComponent(source);
    return { url, shortCircuit: true };
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (/\\.(ts|tsx|jsx|js)$/.test(url) && url.startsWith('file:')) {
    const source = await readFile(new URL(url));
    return { format: 'module', source, shortCircuit: true };
  }
  return next(url, context);
}
"""

_RUNNER = """
globalThis.Response = { json: (body) => ({ json: body }), text: (t) => ({ text: t }) };
globalThis.h = (tag, props, ...children) => [tag, props, children];
globalThis.Fragment = 'Fragment';
const entry = await import('./%s');
const handler = entry.default ?? entry.handler;
const request = %s;
console.log(JSON.stringify(handler(request)));
"""

RunBundle = Callable[[Path, Mapping[str, Any]], Any]


@pytest.fixture
def run_bundle(tmp_path: Path) -> RunBundle:
    """Load a handler, write its modules under their payload names, call it in node."""
    if NODE is None:
        pytest.skip("node is not installed to run the transformed modules")

    def run(handler: Path, request: Mapping[str, Any]) -> Any:
        loaded = program.load(handler)
        out = tmp_path / "bundle"
        for module in loaded.modules:
            path = out / module.name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(module.javascript, encoding="utf-8")
        (out / "hooks.mjs").write_text(_HOOKS % json.dumps(EXPORTS))
        (out / "register.mjs").write_text(
            "import { register } from 'node:module';\n"
            "register('./hooks.mjs', import.meta.url);\n"
        )
        (out / "run.mjs").write_text(
            _RUNNER % (loaded.modules[0].name, json.dumps(request))
        )

        result = subprocess.run(
            [str(NODE), "--import", "./register.mjs", "run.mjs"],
            cwd=out,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    return run
