"""Compile handler modules to engine bytecode with the host `zigttp-qjsc`."""

from __future__ import annotations

import logging
import re
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from zigttp.errors import CompilerFailed, SourceError, ToolchainError

log = logging.getLogger(__name__)

# zigttp-qjsc reports a syntax error as one line: NAME:LINE:COL: message
_DIAGNOSTIC = re.compile(
    r"^(?P<name>.+):(?P<line>\d+):(?P<column>\d+): (?P<message>.*)$"
)


def compile_module(compiler: Path, name: str, javascript: str, workdir: Path) -> bytes:
    """Bytecode for one module; SourceError points at the user's own file."""
    index = len(list(workdir.iterdir()))
    source = workdir / f"{index}.js"
    output = workdir / f"{index}.bc"
    source.write_text(javascript, encoding="utf-8")

    try:
        finished = subprocess.run(
            [str(compiler), name, source.name, output.name],
            cwd=workdir,
            env={},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except OSError as error:
        raise ToolchainError(
            f"compiling {name} to bytecode: cannot start {compiler}: {error.strerror}; "
            "delete the zigttp cache folder and build again"
        ) from error

    errors = finished.stderr.decode("utf-8", errors="replace").strip()
    if finished.returncode == 1:
        match = _DIAGNOSTIC.match(errors.splitlines()[0] if errors else "")
        if match:
            raise SourceError(
                match["name"],
                int(match["line"]),
                int(match["column"]),
                match["message"],
            )
    if finished.returncode != 0:
        raise CompilerFailed(
            f"compiling {name} to bytecode", finished.returncode, errors
        )

    return output.read_bytes()


def compile_modules(
    compiler: Path, modules: Sequence[tuple[str, str]]
) -> list[tuple[str, bytes]]:
    """Bytecode for every (name, javascript) module, in the order given."""
    with tempfile.TemporaryDirectory(prefix="zigttp-bytecode-") as temp:
        workdir = Path(temp)
        compiled = []
        for name, javascript in modules:
            log.debug("compiling %s to bytecode", name)
            compiled.append((name, compile_module(compiler, name, javascript, workdir)))
        return compiled
