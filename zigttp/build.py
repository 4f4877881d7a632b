"""The main job: a handler's project folder in, an OCI image (or index) out."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from zigttp import project
from zigttp.contract import program as programs
from zigttp.contract import source
from zigttp.contract.program import Program
from zigttp.errors import SourceError, UsageError
from zigttp.oci import build as images
from zigttp.oci.image import Image, Index
from zigttp.oci.layer import Compression
from zigttp.progress import Progress, silent
from zigttp.toolchain import build as toolchain
from zigttp.toolchain import targets

DEFAULT_PLATFORMS = ("linux/amd64",)


@dataclass(frozen=True)
class Built:
    """What a build produced: the image (or index) and the program it came from."""

    image: Image | Index
    program: Program
    service: str


def locate_handler(path: Path) -> Path:
    """A handler file as given, or the first conventional one inside a folder."""
    if path.is_dir():
        return source.find_handler(path)
    if not path.exists():
        raise UsageError(f"{path}: no such file or directory")
    return path


def load_program(path: Path) -> Program:
    """Find and load the handler at `path` (a file, or a folder to search)."""
    handler = locate_handler(path)
    with located_from_here(source.project_root(handler)):
        return programs.load(handler)


@contextlib.contextmanager
def located_from_here(root: Path) -> Iterator[None]:
    """Show source errors by a path from the current folder, so editors can open it.

    The contract package and the compiler name files relative to the project root
    (`handler.ts`); a user building `examples/hello` wants `examples/hello/handler.ts`.
    """
    try:
        yield
    except SourceError as error:
        shown = shown_path(root / error.path)
        raise SourceError(shown, error.line, error.column, error.problem) from None


def shown_path(path: Path) -> str:
    """`path` relative to the current folder when it lies below it, else absolute."""
    absolute = path.absolute()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def build_image(
    path: Path,
    platforms: Sequence[str] = DEFAULT_PLATFORMS,
    compression: Compression = "gzip",
    epoch: int | None = None,
    progress: Progress = silent,
) -> Built:
    """Prove, compile and pack the handler found at `path` for each platform."""
    wanted = [targets.by_platform(name) for name in platforms]
    program = load_program(path)
    service = project.service_name(program.root).slug

    annotations = image_annotations(program, service)
    labels = program.contract.labels()
    modules = [(module.name, module.javascript) for module in program.modules]
    contract_json = program.contract.canonical()

    built = []
    for target in wanted:
        with located_from_here(program.root):
            binary = toolchain.handler_binary(modules, contract_json, target, progress)
        built.append(
            images.image(
                binary,
                target.platform,
                labels=labels,
                annotations=annotations,
                epoch=epoch,
                compression=compression,
            )
        )

    result: Image | Index = built[0]
    if len(built) > 1:
        result = images.index(built, annotations)
    return Built(result, program, service)


def image_annotations(program: Program, service: str) -> dict[str, str]:
    """Title, contract digest and proof level, and git source when there is one."""
    annotations = {"org.opencontainers.image.title": service}
    annotations.update(program.contract.annotations())

    origin = project.git_source(program.root)
    if origin is not None:
        annotations["org.opencontainers.image.source"] = origin.url
        annotations["org.opencontainers.image.revision"] = origin.revision
    return annotations


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as whole seconds, or None when it is not set."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise UsageError(
            f"SOURCE_DATE_EPOCH={raw!r} is not a whole number of seconds: "
            "set it to a Unix time such as 1700000000, or unset it"
        )
    return int(raw)
