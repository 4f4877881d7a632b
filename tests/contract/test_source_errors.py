"""Every input a build cannot run stops with file:line:col and what to do next."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from zigttp.contract import program
from zigttp.errors import SourceError

WriteProject = Callable[[Mapping[str, str | bytes]], Path]

AVAILABLE = (
    "zigttp:auth, zigttp:cache, zigttp:crypto, zigttp:env, zigttp:fetch, zigttp:id, "
    "zigttp:log, zigttp:router, zigttp:text, zigttp:types, zigttp:url"
)
HANDLER = "\nfunction handler(req) { return Response.text('ok'); }\n"

BAD_INPUTS = [
    pytest.param(
        {"handler.ts": b"const a = 1;\nconst b = '\xff';" + HANDLER.encode()},
        "handler.ts:2:12: not UTF-8 text (byte 0xff): save it as UTF-8",
        id="not-utf8",
    ),
    pytest.param(
        {"handler.ts": ""},
        "handler.ts:1:1: empty handler: define function handler(request)",
        id="empty",
    ),
    pytest.param(
        {"handler.ts": "  \n// only a comment\n/* and another */\n"},
        "handler.ts:1:1: empty handler: define function handler(request)",
        id="only-comments",
    ),
    pytest.param(
        {"handler.ts": "const x = ;" + HANDLER},
        "handler.ts:1:11: syntax error: unexpected `;`",
        id="syntax-unexpected-token",
    ),
    pytest.param(
        {"handler.ts": "function handler(req) {\n  return Response.json({a: 1}\n}\n"},
        "handler.ts:2:23: syntax error: `(` is never closed",
        id="syntax-unclosed-paren",
    ),
    pytest.param(
        {"handler.ts": "function handler(req) {\n  return 1;\n"},
        "handler.ts:2:12: syntax error: missing `}`",
        id="syntax-missing-brace",
    ),
    pytest.param(
        {"handler.ts": 'const é = "ü" +;' + HANDLER},
        "handler.ts:1:16: syntax error: unexpected `;`",
        id="syntax-column-in-characters",
    ),
    pytest.param(
        {"handler.ts": "import { x } from 'zigttp:nope';" + HANDLER},
        f'handler.ts:1:19: unknown module "zigttp:nope": the available modules are '
        f"{AVAILABLE}",
        id="unknown-zigttp-module",
    ),
    pytest.param(
        {"handler.ts": "import { x } from 'zttp:sql';" + HANDLER},
        f'handler.ts:1:19: unknown module "zttp:sql": the available modules are '
        f"{AVAILABLE}",
        id="unknown-zttp-module",
    ),
    pytest.param(
        {"handler.ts": "import _ from 'lodash';" + HANDLER},
        'handler.ts:1:15: cannot import "lodash": only zigttp:* modules and relative '
        "files (./file.ts) can be imported",
        id="bare-package",
    ),
    pytest.param(
        {"handler.ts": "import fs from 'node:fs';" + HANDLER},
        'handler.ts:1:16: cannot import "node:fs": only zigttp:* modules and relative '
        "files (./file.ts) can be imported",
        id="node-builtin",
    ),
    pytest.param(
        {"handler.ts": "import { a } from './missing';" + HANDLER},
        'handler.ts:1:19: cannot find "./missing" (tried ./missing.ts, ./missing.tsx, '
        "./missing.js, ./missing.jsx, ./missing/index.ts, ./missing/index.tsx, "
        "./missing/index.js, ./missing/index.jsx)",
        id="missing-relative-file",
    ),
    pytest.param(
        {"handler.ts": "import { a } from './data.json';" + HANDLER, "data.json": "{}"},
        'handler.ts:1:19: cannot import "./data.json": only .ts, .tsx, .js and .jsx '
        "files can be bundled",
        id="not-a-script",
    ),
    pytest.param(
        {
            "handler.ts": "import { a } from './lib/a';" + HANDLER,
            "lib/a.ts": "\nimport { b } from './nowhere.ts';\nexport const a = b;",
        },
        'lib/a.ts:2:19: cannot find "./nowhere.ts" (tried ./nowhere.ts)',
        id="error-in-imported-file-names-it",
    ),
    pytest.param(
        {"handler.js": "function handler(req: Request) { return 1; }"},
        "handler.js:1:21: a type annotation is TypeScript syntax in a .js file: "
        "rename the file to .ts or remove the types",
        id="types-in-js",
    ),
    pytest.param(
        {"handler.jsx": "let a = b!;" + HANDLER},
        "handler.jsx:1:9: a non-null assertion `!` is TypeScript syntax in a .jsx "
        "file: rename the file to .tsx or remove the types",
        id="types-in-jsx",
    ),
    pytest.param(
        {"handler.js": "interface A {}" + HANDLER},
        "handler.js:1:1: an interface is TypeScript syntax in a .js file: rename the "
        "file to .ts or remove the types",
        id="interface-in-js",
    ),
    pytest.param(
        {"handler.js": "import { type A } from './a.js';" + HANDLER, "a.js": ""},
        "handler.js:1:10: a `type` specifier is TypeScript syntax in a .js file: "
        "rename the file to .ts or remove the types",
        id="type-specifier-in-js",
    ),
    pytest.param(
        {"handler.ts": "namespace N { export const a = 1; }" + HANDLER},
        "handler.ts:1:1: namespaces are not supported: move the code into its own file "
        "and import it",
        id="namespace",
    ),
    pytest.param(
        {"handler.ts": "@sealed class A {}" + HANDLER},
        "handler.ts:1:1: decorators are not supported: call the decorating function "
        "directly",
        id="decorator",
    ),
    pytest.param(
        {"handler.ts": "class A { constructor(private a: number) {} }" + HANDLER},
        "handler.ts:1:23: parameter properties (`private a` in a constructor) are not "
        "supported: declare the field in the class and assign it in the constructor",
        id="parameter-property",
    ),
    pytest.param(
        {"handler.ts": "import fs = require('fs');" + HANDLER},
        "handler.ts:1:8: `import x = require(...)` is not supported: "
        'use `import x from "..."`',
        id="import-require",
    ),
    pytest.param(
        {"handler.ts": "export = handler;" + HANDLER},
        "handler.ts:1:1: `export =` is not supported: use `export default`",
        id="export-assignment",
    ),
    pytest.param(
        {"handler.ts": "enum A { B = C }" + HANDLER},
        "handler.ts:1:14: enum member B needs a number or string literal initializer: "
        "computed enum members are not supported",
        id="computed-enum",
    ),
    pytest.param(
        {"handler.ts": "enum A { B = 'x', C }" + HANDLER},
        "handler.ts:1:19: enum member C needs an initializer after a string member",
        id="enum-after-string",
    ),
    pytest.param(
        {"handler.ts": "export function other() { return 1; }\n"},
        "handler.ts:1:1: no handler: define function handler(request) that returns a "
        "Response (or export one as default)",
        id="no-handler",
    ),
]


@pytest.mark.parametrize(("files", "message"), BAD_INPUTS)
def test_bad_input_is_reported_at_its_place(
    write_project: WriteProject, files: Mapping[str, str | bytes], message: str
) -> None:
    root = write_project(files)
    entry = next(name for name in files if name.startswith("handler."))

    with pytest.raises(SourceError) as raised:
        program.load(root / entry)

    assert str(raised.value) == message


def test_import_escaping_the_project_is_refused(write_project: WriteProject) -> None:
    root = write_project({"app/handler.ts": "import '../outside';" + HANDLER})
    (root / "outside.ts").write_text("export const a = 1;\n")

    with pytest.raises(SourceError) as raised:
        program.load(root / "app" / "handler.ts")

    folder = root / "app"
    assert str(raised.value) == (
        f'handler.ts:1:8: "../outside" points outside the project folder {folder}: '
        "keep imported files inside it"
    )


def test_symlink_leading_out_of_the_project_is_refused(
    write_project: WriteProject, tmp_path: Path
) -> None:
    root = write_project({"handler.ts": "import './lib';" + HANDLER})
    (tmp_path / "elsewhere.ts").write_text("export const a = 1;\n")
    (root / "lib.ts").symlink_to(tmp_path / "elsewhere.ts")

    with pytest.raises(SourceError) as raised:
        program.load(root / "handler.ts")

    assert str(raised.value) == (
        f'handler.ts:1:8: "./lib" links outside the project folder {root}: '
        "keep imported files inside it"
    )


def test_source_error_carries_its_parts(write_project: WriteProject) -> None:
    root = write_project({"src/handler.ts": "\n\nlet x = = 1;" + HANDLER})

    with pytest.raises(SourceError) as raised:
        program.load(root / "src" / "handler.ts")

    error = raised.value
    assert (error.path, error.line, error.column) == ("src/handler.ts", 3, 7)
    assert error.problem == "syntax error: unexpected `=`"
