"""Handler binaries: a cached runtime with the handler's bytecode appended."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from zigttp.errors import ToolchainError
from zigttp.progress import Progress, silent
from zigttp.toolchain import bytecode, payload, runtime
from zigttp.toolchain.targets import Target

log = logging.getLogger(__name__)


def handler_binary(
    modules: Sequence[tuple[str, str]],
    contract_json: bytes,
    target: Target,
    progress: Progress = silent,
) -> bytes:
    """The static handler binary for `target`.

    `modules` are (name, javascript) pairs, entry first; names are POSIX paths
    relative to the project root, as imports between them were rewritten.
    """
    if not modules:
        raise ToolchainError("building a handler binary: no modules were given")

    base = runtime.runtime_binary(target, progress)
    compiler = runtime.host_compiler(progress)
    compiled = bytecode.compile_modules(compiler, modules)
    log.debug("packing %d module(s) for %s", len(compiled), target)
    return base.read_bytes() + payload.pack(contract_json, compiled)


def warm(targets: Iterable[Target], progress: Progress = silent) -> None:
    """Build the runtimes for `targets` and the host compiler, if not cached yet."""
    runtime.host_compiler(progress)
    for target in targets:
        runtime.runtime_binary(target, progress)
