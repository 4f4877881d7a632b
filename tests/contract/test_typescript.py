"""TypeScript erasure: each construct becomes spaces in place; lines, columns kept."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

Transform = Callable[[str, str], str]

ERASED = [
    pytest.param("let a: number = 1;", "let a         = 1;", id="annotation"),
    pytest.param(
        "function f(a: string, b?: number): void {}",
        "function f(a        , b         )       {}",
        id="parameters-optional-return",
    ),
    pytest.param(
        "interface A {\n  x: number;\n}\nconst y = 1;",
        "             \n            \n \nconst y = 1;",
        id="interface-keeps-lines",
    ),
    pytest.param("type Box<T> = { value: T };", " " * 27, id="type-alias"),
    pytest.param(
        "function id<T>(x: T): T { return x; }",
        "function id   (x   )    { return x; }",
        id="generic-declaration",
    ),
    pytest.param(
        'id<string>("a"); new Map<string, number>();',
        'id        ("a"); new Map                ();',
        id="generic-call-sites",
    ),
    pytest.param(
        "const a = b as string, c = [1] as const;",
        "const a = b          , c = [1]         ;",
        id="as",
    ),
    pytest.param(
        "const c = { a: 1 } satisfies Record<string, number>;",
        "const c = { a: 1 }                                 ;",
        id="satisfies",
    ),
    pytest.param("const d = e!.f!;", "const d = e .f ;", id="non-null"),
    pytest.param(
        "declare const g: number;\nconst h = 1;",
        " " * 24 + "\nconst h = 1;",
        id="declare",
    ),
    pytest.param(
        "function o(a: string): string;\nfunction o(a: any) { return a; }",
        " " * 30 + "\nfunction o(a     ) { return a; }",
        id="overload-signature",
    ),
    pytest.param(
        "class K {\n  private readonly a = 1;\n  protected b?: string;\n"
        "  public static c = 2;\n  #d!: number;\n}",
        "class K {\n                   a = 1;\n            b         ;\n"
        "         static c = 2;\n  #d         ;\n}",
        id="access-modifiers-readonly-optional-definite-field",
    ),
    pytest.param(
        "class L extends Q<R> implements M, N {}",
        "class L extends Q                    {}",
        id="extends-generic-implements",
    ),
    pytest.param(
        "abstract class S {\n  abstract m(): void;\n  abstract x: number;\n  n() {}\n}",
        "         class S {\n                    ;\n                    ;\n  n() {}\n}",
        id="abstract",
    ),
    pytest.param(
        "class T {\n  [key: string]: unknown;\n  w?() {}\n  override z(): void {}\n"
        "  declare e: number;\n}",
        "class T {\n                        ;\n  w () {}\n           z()       {}\n"
        "                   ;\n}",
        id="index-signature-optional-method-override-declare-field",
    ),
    pytest.param(
        "function u(this: Window, v: number) {}",
        "function u(              v        ) {}",
        id="this-parameter",
    ),
    pytest.param(
        "export type X = string;\nexport interface Y {}\ntype Z = number;\n"
        "const aa = 1;\nexport { type Z, aa };\nexport { Z as Z2 };",
        " " * 23 + "\n" + " " * 21 + "\n" + " " * 16 + "\n"
        "const aa = 1;\nexport {         aa };\n" + " " * 19,
        id="export-type-interface-and-type-only-names",
    ),
    pytest.param("let bb!: number;", "let bb         ;", id="definite-assignment"),
    pytest.param("const cc = <number>dd;", "const cc =         dd;", id="angle-cast"),
    pytest.param(
        "const id2 = <T,>(x: T): T => x;",
        "const id2 =     (x   )    => x;",
        id="generic-arrow",
    ),
    pytest.param(
        "function isS(x: unknown): x is string { return true; }\n"
        "function check(x: unknown): asserts x {}",
        "function isS(x         )              { return true; }\n"
        "function check(x         )            {}",
        id="type-predicate-asserts",
    ),
    pytest.param(
        "const mk = make<string>;", "const mk = make        ;", id="instantiation"
    ),
    pytest.param(
        'declare module "x" {\n  export const y: number;\n}',
        " " * 20 + "\n" + " " * 25 + "\n ",
        id="declare-module",
    ),
    pytest.param(
        "let fn: (a: number) => void, tt: typeof fn;",
        "let fn                     , tt           ;",
        id="function-type-typeof",
    ),
    pytest.param(
        'let é: "ü" = "ü";', 'let é      = "ü";', id="columns-count-characters"
    ),
    pytest.param(
        "class Box2<T> { v: T; get g(): T { return this.v; } }",
        "class Box2    { v   ; get g()    { return this.v; } }",
        id="generic-class-accessor",
    ),
    pytest.param(
        "let q = a?.b ?? c;", "let q = a?.b ?? c;", id="plain-javascript-untouched"
    ),
    pytest.param(
        "const a = b\ninterface A {}\n(c)()",
        "const a = b\n;             \n(c)()",
        id="erased-statement-keeps-asi",
    ),
    pytest.param(
        "let x = y;\ntype T = 1\ndeclare const z: T\n[1].map(f)",
        "let x = y;\n          \n;                 \n[1].map(f)",
        id="erased-statements-after-a-semicolon",
    ),
]

# Lines kept, columns not: JavaScript needs `=>` on the line of the parameters,
# and a value cast with `<T>` on the line after `return` needs parentheses.
MOVED = [
    pytest.param(
        "function r() {\n  return <number>\n    value;\n}",
        "function r() {\n  return (       \n    value);\n}",
        id="angle-cast-before-a-line-break",
    ),
    pytest.param(
        "const g = (a: number):\n  string => String(a);",
        "const g = (a        )          =>\n String(a);",
        id="arrow-return-type-over-two-lines",
    ),
]

ENUMS = [
    pytest.param(
        "enum E { A, B = 5, C }",
        'const E = Object.freeze({ "A": 0, "B": 5, "C": 6, '
        '"0": "A", "5": "B", "6": "C" });',
        id="numeric-auto-increment",
    ),
    pytest.param(
        "enum F { G = \"g\", H = 'h' }",
        'const F = Object.freeze({ "G": "g", "H": \'h\' });',
        id="string-members",
    ),
    pytest.param(
        "const enum I {\n  J = -2,\n  K,\n}",
        'const I = Object.freeze({\n"J": -2,\n"K": -1, "-2": "J", "-1": "K"\n });',
        id="const-enum-keeps-lines",
    ),
    pytest.param(
        "export enum L2 { M = 0x10, N }",
        'export const L2 = Object.freeze({ "M": 16, "N": 17, "16": "M", "17": "N" });',
        id="exported-hex",
    ),
]


@pytest.mark.parametrize(("typescript", "javascript"), ERASED + MOVED + ENUMS)
def test_typescript_becomes_javascript_in_place(
    transform: Transform, typescript: str, javascript: str
) -> None:
    output = transform(typescript, "lib.ts")

    assert output == javascript
    assert output.count("\n") == typescript.count("\n")


@pytest.mark.parametrize(("typescript", "javascript"), ERASED)
def test_erasure_keeps_every_column(
    transform: Transform, typescript: str, javascript: str
) -> None:
    output = transform(typescript, "lib.ts")

    assert [len(line) for line in output.split("\n")] == [
        len(line) for line in typescript.split("\n")
    ]


def test_tsx_files_erase_types_too(transform: Transform) -> None:
    output = transform("const f = (x: number): string => `${x}` as string;", "lib.tsx")

    assert output == "const f = (x        )         => `${x}`          ;"


def test_crlf_line_ends_survive_erasure(transform: Transform) -> None:
    output = transform("interface A {\r\n  x: number;\r\n}\r\nlet a: A;\r\n", "lib.ts")

    assert output == "             \r\n            \r\n \r\nlet a   ;\r\n"


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed to check the output")
@pytest.mark.parametrize(("typescript", "javascript"), ERASED + MOVED + ENUMS)
def test_output_is_valid_javascript(
    typescript: str, javascript: str, tmp_path: Path
) -> None:
    module = tmp_path / "module.mjs"
    module.write_text(javascript, encoding="utf-8")

    checked = subprocess.run(
        [str(NODE), "--check", str(module)], capture_output=True, text=True
    )

    assert checked.returncode == 0, checked.stderr
