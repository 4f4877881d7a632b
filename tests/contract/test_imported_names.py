"""An import the runtime cannot satisfy stops the build at the name, not the start."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from zigttp.contract import program
from zigttp.errors import SourceError

WriteProject = Callable[[Mapping[str, str | bytes]], Path]

HANDLER = "\nexport function handler() { return Response.text('ok'); }\n"
UTIL = "export const a = 1;\nexport function b() { return 2; }\n"
CACHE_NAMES = "cacheDelete, cacheGet, cacheIncr, cacheSet, cacheStats"
MANY = "".join(f"export const n{index:02} = {index};\n" for index in range(25))

MISSING = [
    pytest.param(
        {"handler.ts": 'import { zz } from "./util.ts";' + HANDLER, "util.ts": UTIL},
        'handler.ts:1:10: "./util.ts" does not export zz: it exports a, b',
        id="named-from-project-file",
    ),
    pytest.param(
        {
            "handler.ts": "import { a, zz as z } from './util';\n"
            "export function handler() { return Response.json([a, z]); }\n",
            "util.ts": UTIL,
        },
        'handler.ts:1:13: "./util" does not export zz: it exports a, b',
        id="aliased-second-in-the-list",
    ),
    pytest.param(
        {"handler.ts": "import util from './util';" + HANDLER, "util.ts": UTIL},
        'handler.ts:1:8: "./util" has no default export: it exports a, b',
        id="default-from-project-file",
    ),
    pytest.param(
        {
            "handler.ts": "import { a } from './util';" + HANDLER,
            "util.ts": "const a = 1;\n",
        },
        'handler.ts:1:10: "./util" does not export a: it exports nothing',
        id="project-file-exporting-nothing",
    ),
    pytest.param(
        {
            "handler.ts": "import { z } from './util';" + HANDLER,
            "util.ts": "export default 1;\nexport type T = 2;\nexport const y = 3;\n",
        },
        'handler.ts:1:10: "./util" does not export z: it exports T, y, default',
        id="types-and-default-listed",
    ),
    pytest.param(
        {"handler.ts": "import { zz } from './many';" + HANDLER, "many.ts": MANY},
        'handler.ts:1:10: "./many" does not export zz: it exports '
        + ", ".join(f"n{index:02}" for index in range(20))
        + " and 5 more",
        id="long-list-cut-short",
    ),
    pytest.param(
        {
            "handler.ts": "import { a } from './lib';" + HANDLER,
            "lib.ts": "export { a } from './util';\nexport { zz } from './util';\n",
            "util.ts": UTIL,
        },
        'lib.ts:2:10: "./util" does not export zz: it exports a, b',
        id="re-export-of-a-missing-name",
    ),
    pytest.param(
        {
            "handler.ts": "import d from './lib';" + HANDLER,
            "lib.ts": "export * from './util';\n",
            "util.ts": UTIL + "export default 3;\n",
        },
        'handler.ts:1:8: "./lib" has no default export: it exports a, b',
        id="star-export-passes-no-default",
    ),
    pytest.param(
        {
            "handler.ts": "import { y } from './a';" + HANDLER,
            "a.ts": "export * from './b';\n",
            "b.ts": "export * from './a';\nexport const x = 1;\n",
        },
        'handler.ts:1:10: "./a" does not export y: it exports x',
        id="star-export-cycle",
    ),
    pytest.param(
        {
            "handler.ts": "import { a } from './lib/a';" + HANDLER,
            "lib/a.ts": "\nimport { nope } from '../util';\nexport const a = nope;\n",
            "util.ts": UTIL,
        },
        'lib/a.ts:2:10: "../util" does not export nope: it exports a, b',
        id="in-an-imported-file",
    ),
    pytest.param(
        {"handler.js": "import { zz } from './util.js';" + HANDLER, "util.js": UTIL},
        'handler.js:1:10: "./util.js" does not export zz: it exports a, b',
        id="javascript-handler",
    ),
    pytest.param(
        {"handler.ts": 'import { nope } from "zigttp:env";' + HANDLER},
        'handler.ts:1:10: "zigttp:env" does not export nope: it exports env',
        id="named-from-zigttp-module",
    ),
    pytest.param(
        {"handler.ts": 'import { cacheget } from "zttp:cache";' + HANDLER},
        f'handler.ts:1:10: "zttp:cache" does not export cacheget: it exports '
        f"{CACHE_NAMES}",
        id="misspelled-from-zttp-alias",
    ),
    pytest.param(
        {"handler.ts": 'import env from "zigttp:env";' + HANDLER},
        'handler.ts:1:8: "zigttp:env" has no default export: it exports env',
        id="default-from-zigttp-module",
    ),
    pytest.param(
        {
            "handler.ts": "import { get } from './lib';" + HANDLER,
            "lib.ts": 'export { fetch as get, request } from "zigttp:fetch";\n',
        },
        'lib.ts:1:24: "zigttp:fetch" does not export request: it exports fetch, '
        "fetchWithRetry",
        id="re-export-from-zigttp-module",
    ),
]


@pytest.mark.parametrize(("files", "message"), MISSING)
def test_import_of_a_name_nobody_exports_is_a_build_error(
    write_project: WriteProject, files: Mapping[str, str], message: str
) -> None:
    root = write_project(files)
    entry = next(name for name in files if name.startswith("handler."))

    with pytest.raises(SourceError) as raised:
        program.load(root / entry)

    assert str(raised.value) == message


PROVIDED = [
    pytest.param(
        {
            "handler.ts": "import { a, b as c, T } from './util';\n"
            "export function handler() {\n"
            "  const t: T = a + c();\n  return Response.json(t);\n}\n",
            "util.ts": UTIL + "export type T = number;\n",
        },
        id="values-and-a-type-without-the-type-keyword",
    ),
    pytest.param(
        {
            "handler.ts": "import d, { a, I, E, k } from './util';\n"
            "export function handler() { return Response.json([d, a, E.X, k]); }",
            "util.ts": "export default 1;\nexport const { a } = { a: 2 };\n"
            "export interface I {}\nexport enum E { X }\nexport declare const k: 1;\n",
        },
        id="default-destructured-interface-enum-ambient",
    ),
    pytest.param(
        {
            "handler.ts": "import { x, 'odd name' as odd } from './lib';\n"
            "export function handler() { return Response.json([x, odd]); }",
            "lib.ts": "const y = 1;\nexport { y as x, y as 'odd name' };\n",
        },
        id="listed-and-renamed-exports",
    ),
    pytest.param(
        {
            "handler.ts": "import { a, ns, deep } from './lib';\n"
            "export function handler() { return Response.json([a, ns.b, deep]); }",
            "lib.ts": "export * from './util';\nexport * as ns from './util';\n"
            "export * from './deeper';\n",
            "deeper.ts": "export * from './deepest';\n",
            "deepest.ts": "export const deep = 1;\n",
            "util.ts": UTIL,
        },
        id="star-and-namespace-re-exports",
    ),
    pytest.param(
        {
            "handler.ts": "import * as u from './util';\nimport './util';\n"
            "export function handler() { return Response.json(u); }",
            "util.ts": "const hidden = 1;\n",
        },
        id="namespace-and-side-effect-imports",
    ),
    pytest.param(
        {
            "handler.ts": 'import type { Spec } from "zigttp:types";\n'
            'import { Proof } from "zttp:types";\n'
            'import { type RouteTable, routerMatch } from "zigttp:router";\n'
            "export function handler(req: Spec & Proof): RouteTable {\n"
            "  return Response.json(routerMatch({}, req));\n}\n",
        },
        id="types-from-zigttp-modules",
    ),
    pytest.param(
        {
            "handler.ts": "import { type Missing, a } from './util';\n"
            "import type { Gone } from './util';\n"
            "export function handler(): Missing | Gone { return Response.json(a); }\n",
            "util.ts": UTIL,
        },
        id="type-marked-names-are-erased-unchecked",
    ),
    pytest.param(
        {
            "handler.ts": "import { uuid } from 'zigttp:id';\n"
            "export { escapeHtml } from 'zigttp:text';\n"
            "export * from 'zigttp:crypto';\n"
            "export function handler() { return Response.text(uuid()); }\n",
        },
        id="zigttp-names-imported-and-re-exported",
    ),
]


@pytest.mark.parametrize("files", PROVIDED)
def test_import_of_an_exported_name_builds(
    write_project: WriteProject, files: Mapping[str, str]
) -> None:
    root = write_project(files)

    loaded = program.load(root / "handler.ts")

    assert loaded.modules[0].name == "handler.ts"
    assert {module.name for module in loaded.modules} <= set(files)


REQUIRES = [
    pytest.param(
        "const fs = require('fs');" + HANDLER,
        'handler.ts:1:12: require("fs") cannot run: handlers are ES modules without '
        "require, and only zigttp:* modules and relative files (./file.ts) can be "
        "imported",
        id="node-builtin",
    ),
    pytest.param(
        "export function handler() {\n  const { a } = require('./util');\n"
        "  return Response.json(a);\n}\n",
        'handler.ts:2:17: require("./util") cannot run: handlers are ES modules '
        'without require; write `import ... from "./util"`',
        id="relative-file-inside-the-handler",
    ),
    pytest.param(
        "const { env } = require(`zigttp:env`);" + HANDLER,
        'handler.ts:1:17: require("zigttp:env") cannot run: handlers are ES modules '
        'without require; write `import ... from "zigttp:env"`',
        id="zigttp-module",
    ),
    pytest.param(
        "const name = 'x';\nconst x = require(name + '\\n');" + HANDLER,
        'handler.ts:2:11: require("x\\u000a") cannot run: handlers are ES modules '
        "without require, and only zigttp:* modules and relative files (./file.ts) "
        "can be imported",
        id="constant-specifier-shown-on-one-line",
    ),
    pytest.param(
        "const load = require;" + HANDLER,
        "handler.ts:1:14: require cannot run: handlers are ES modules without "
        "require; use `import ... from` instead",
        id="passed-around",
    ),
    pytest.param(
        "const x = require(process.env.MODULE);" + HANDLER,
        "handler.ts:1:11: require cannot run: handlers are ES modules without "
        "require; use `import ... from` instead",
        id="computed-specifier",
    ),
    pytest.param(
        "const x = (require)('a', 'b');" + HANDLER,
        "handler.ts:1:12: require cannot run: handlers are ES modules without "
        "require; use `import ... from` instead",
        id="two-arguments-in-parentheses",
    ),
]


@pytest.mark.parametrize(("text", "message"), REQUIRES)
def test_require_is_a_build_error(
    write_project: WriteProject, text: str, message: str
) -> None:
    root = write_project({"handler.ts": text})

    with pytest.raises(SourceError) as raised:
        program.load(root / "handler.ts")

    assert str(raised.value) == message


def test_require_in_an_imported_file_names_that_file(
    write_project: WriteProject,
) -> None:
    root = write_project(
        {
            "handler.ts": "import { a } from './lib/a';" + HANDLER,
            "lib/a.ts": "export const a = 1;\n\nconst path = require('path');\n",
        }
    )

    with pytest.raises(SourceError) as raised:
        program.load(root / "handler.ts")

    assert str(raised.value).startswith('lib/a.ts:3:14: require("path") cannot run')


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "const node = typeof require === 'function';" + HANDLER, id="typeof"
        ),
        pytest.param(
            "function require(name: string) { return name; }\n"
            "const x = require('fs');" + HANDLER,
            id="declared-function",
        ),
        pytest.param(
            "export function handler(require: (x: string) => string) {\n"
            "  return Response.text(require('fs'));\n}\n",
            id="parameter",
        ),
        pytest.param(
            "const o = { require: 1 };\nconst r = o.require;" + HANDLER,
            id="property-name",
        ),
    ],
)
def test_require_that_is_not_the_global_builds(
    write_project: WriteProject, text: str
) -> None:
    root = write_project({"handler.ts": text})

    loaded = program.load(root / "handler.ts")

    assert loaded.contract.proof_level == "complete"
