"""Bundling: relative imports resolved, relinked by payload name, types elided."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from zigttp.contract import program, source
from zigttp.errors import HandlerNotFound

WriteProject = Callable[[Mapping[str, str | bytes]], Path]
RunBundle = Callable[[Path, Mapping[str, Any]], Any]


def test_handler_discovery_follows_the_documented_order(
    write_project: WriteProject,
) -> None:
    assert source.HANDLER_PATHS == (
        "handler.ts",
        "handler.tsx",
        "handler.jsx",
        "handler.js",
        "src/handler.ts",
        "src/handler.tsx",
        "src/handler.jsx",
        "src/handler.js",
    )
    root = write_project({"src/handler.ts": "", "handler.js": "", "handler.jsx": ""})

    assert source.find_handler(root) == root / "handler.jsx"


def test_missing_handler_names_every_path_tried(write_project: WriteProject) -> None:
    root = write_project({"README.md": "no handler here"})

    with pytest.raises(HandlerNotFound) as raised:
        source.find_handler(root)

    assert raised.value.tried == list(source.HANDLER_PATHS)
    assert "src/handler.js" in str(raised.value)


def test_modules_are_named_from_the_project_root_entry_first(
    write_project: WriteProject,
) -> None:
    root = write_project(
        {
            "src/handler.ts": (
                "import { a } from '../lib/a';\n"
                "import { b } from './b.js';\n"
                "import { c } from '../lib';\n"
                "export function handler() { return a + b + c; }\n"
            ),
            "lib/a.tsx": "import { b } from '../src/b.js';\nexport const a = b;\n",
            "src/b.ts": "export const b = 1;\n",
            "lib/index.ts": "export const c = 3;\n",
        }
    )

    loaded = program.load(root / "src" / "handler.ts")

    assert loaded.root == root
    assert [module.name for module in loaded.modules] == [
        "src/handler.ts",
        "lib/a.tsx",
        "src/b.ts",
        "lib/index.ts",
    ]
    assert [module.path for module in loaded.modules] == [
        root / name
        for name in ("src/handler.ts", "lib/a.tsx", "src/b.ts", "lib/index.ts")
    ]
    assert loaded.modules[0].javascript == (
        'import { a } from "../lib/a.tsx";\n'
        'import { b } from "./b.ts";\n'
        'import { c } from "../lib/index.ts";\n'
        "export function handler() { return a + b + c; }\n"
    )
    assert loaded.modules[1].javascript == (
        'import { b } from "../src/b.ts";\nexport const a = b;\n'
    )


@pytest.mark.parametrize(
    ("handler", "javascript"),
    [
        pytest.param(
            "function handler(req) { return 1; }\n",
            "function handler(req) { return 1; }\nexport { handler };\n",
            id="declared-function-gets-an-export",
        ),
        pytest.param(
            "const handler = (req) => 1;",
            "const handler = (req) => 1;\nexport { handler };",
            id="const-without-final-newline",
        ),
        pytest.param(
            "export default function (req) { return 1; }\n",
            "export default function (req) { return 1; }\n",
            id="default-export-untouched",
        ),
        pytest.param(
            "export function handler(req) { return 1; }\n",
            "export function handler(req) { return 1; }\n",
            id="exported-function-untouched",
        ),
        pytest.param(
            "function serve(req) { return 1; }\nexport { serve as handler };\n",
            "function serve(req) { return 1; }\nexport { serve as handler };\n",
            id="renamed-export-untouched",
        ),
        pytest.param(
            "const handler = (req: Request): number => 1;\nexport default handler;\n",
            "const handler = (req         )         => 1;\nexport default handler;\n",
            id="default-export-of-a-const",
        ),
    ],
)
def test_entry_always_exports_its_handler(
    write_project: WriteProject, handler: str, javascript: str
) -> None:
    root = write_project({"handler.ts": handler})

    assert program.load(root / "handler.ts").modules[0].javascript == javascript


def test_virtual_modules_are_normalised_and_types_module_erased(
    write_project: WriteProject,
) -> None:
    root = write_project(
        {
            "handler.ts": (
                "import type { Spec } from 'zigttp:types';\n"
                "import { Effects } from 'zttp:types';\n"
                "import { env as e } from 'zttp:env';\n"
                "import * as cache from 'zigttp:cache';\n"
                "export function handler(r: Spec) { return cache.cacheGet(e('K')); }\n"
            )
        }
    )

    javascript = program.load(root / "handler.ts").modules[0].javascript

    assert javascript == (
        " " * 41 + "\n" + " " * 37 + "\n"
        'import { env as e } from "zigttp:env";\n'
        'import * as cache from "zigttp:cache";\n'
        "export function handler(r      ) { return cache.cacheGet(e('K')); }\n"
    )


def test_imports_only_used_as_types_are_elided(write_project: WriteProject) -> None:
    root = write_project(
        {
            "handler.ts": (
                "import { Shape, make, type Extra } from './shapes';\n"
                "import Default, { Kind } from './shapes';\n"
                "import { unused } from './shapes';\n"
                "import './shapes';\n"
                "export { Shape, make };\n"
                "export function handler(): Shape { return make(Default as Kind); }\n"
            ),
            "shapes.ts": (
                "export interface Shape { a: number }\n"
                "export type Kind = string;\n"
                "export type { Shape as Extra };\n"
                "export const make = (k: Kind): Shape => ({ a: k.length });\n"
                "export const unused = 1;\n"
                "export default 'x';\n"
            ),
        }
    )

    javascript = program.load(root / "handler.ts").modules[0].javascript

    assert javascript == (
        'import {        make             } from "./shapes.ts";\n'
        'import Default           from "./shapes.ts";\n' + " " * 34 + "\n"
        'import "./shapes.ts";\n'
        "export {        make };\n"
        "export function handler()        { return make(Default        ); }\n"
    )


def test_reexported_types_are_followed_across_modules(
    write_project: WriteProject,
) -> None:
    root = write_project(
        {
            "handler.ts": (
                "import { Model, build } from './api';\n"
                "export * from './api';\n"
                "export { Model as M } from './api';\n"
                "export function handler(m: Model) { return build(); }\n"
            ),
            "api.ts": "export { Model, build } from './model';\n",
            "model.ts": "export interface Model {}\nexport const build = () => 1;\n",
        }
    )

    loaded = program.load(root / "handler.ts")

    assert loaded.modules[0].javascript == (
        'import {        build } from "./api.ts";\n'
        'export * from "./api.ts";\n' + " " * 35 + "\n"
        "export function handler(m       ) { return build(); }\n"
    )
    assert loaded.modules[1].javascript == (
        'export {        build } from "./model.ts";\n'
    )


def test_the_bundle_runs_as_linked_es_modules(
    write_project: WriteProject, run_bundle: RunBundle
) -> None:
    root = write_project(
        {
            "src/handler.tsx": (
                "import { env } from 'zttp:env';\n"
                "import { greet, type Greeting } from '../lib/greet';\n"
                "import { Color } from '../lib/colors.js';\n"
                "export function handler(req: { path: string }) {\n"
                "  const g: Greeting = greet(req.path);\n"
                "  return Response.json({\n"
                "    g, color: Color[Color.Blue], key: env('KEY'),\n"
                '    page: <p class="x">{g}</p>,\n'
                "  });\n"
                "}\n"
            ),
            "lib/greet.ts": (
                "export type Greeting = string;\n"
                "export function greet(who: string): Greeting { return `hi ${who}`; }\n"
            ),
            "lib/colors.ts": "export enum Color { Red, Green, Blue }\n",
        }
    )

    response = run_bundle(root / "src" / "handler.tsx", {"path": "/x"})

    assert response == {
        "json": {
            "g": "hi /x",
            "color": "Blue",
            "key": {"call": "zigttp:env env", "args": ["KEY"]},
            "page": ["p", {"class": "x"}, ["hi /x"]],
        }
    }
