"""The host compiler: bytecode from the input alone, errors at file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from zigttp.errors import SourceError
from zigttp.toolchain import bytecode, runtime

MODULE = (
    'import { env } from "zigttp:env";\nexport default () => Response.text(env("A"));\n'
)


@pytest.fixture
def compiler(build_cache: Path) -> Path:
    return runtime.host_compiler()


def test_same_input_gives_the_same_bytes(compiler: Path) -> None:
    first = bytecode.compile_modules(compiler, [("handler.js", MODULE)])
    second = bytecode.compile_modules(compiler, [("handler.js", MODULE)])

    assert first == second
    assert first[0][1]


def test_module_name_is_part_of_the_bytecode(compiler: Path) -> None:
    (_, named_a), (_, named_b) = bytecode.compile_modules(
        compiler, [("a.js", MODULE), ("b.js", MODULE)]
    )

    assert named_a != named_b
    assert b"a.js" in named_a


def test_source_text_is_not_kept(compiler: Path) -> None:
    [(_, code)] = bytecode.compile_modules(
        compiler, [("handler.js", "// a comment nobody ships\nexport default 1;\n")]
    )

    assert b"a comment nobody ships" not in code


@pytest.mark.parametrize(
    ("name", "source", "line", "column", "message"),
    [
        (
            "handler.js",
            "export default function () {\n  return {;\n}\n",
            2,
            11,
            "SyntaxError",
        ),
        ("src/lib/util.js", "\n\nconst x = ;\n", 3, 11, "SyntaxError"),
        ("handler.js", "export default 1;\nexport default 2;\n", 2, 17, "redefinition"),
    ],
)
def test_syntax_error_points_at_the_users_file(
    compiler: Path, name: str, source: str, line: int, column: int, message: str
) -> None:
    with pytest.raises(SourceError) as raised:
        bytecode.compile_modules(compiler, [(name, source)])

    error = raised.value
    assert (error.path, error.line, error.column) == (name, line, column)
    assert message in error.problem
    assert str(error).startswith(f"{name}:{line}:{column}: ")
