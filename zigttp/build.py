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
from zigttp.errors import HandlerNotFound, InputError, SourceError, UsageError
from zigttp.oci import build as images
from zigttp.oci.image import Image, Index
from zigttp.oci.layer import Compression
from zigttp.progress import Progress, silent
from zigttp.toolchain import build as toolchain
from zigttp.toolchain import targets

DEFAULT_PLATFORMS = ("linux/amd64",)

# A ustar header keeps mtime in 11 octal digits.
MAX_EPOCH = 8**11 - 1


@dataclass(frozen=True)
class Built:
    """What a build produced: the image (or index) and the program it came from."""

    image: Image | Index
    program: Program
    service: str


def locate_handler(path: Path) -> Path:
    """A handler file as given, or the first conventional one inside a folder."""
    if path.is_dir():
        try:
            return source.find_handler(path)
        except HandlerNotFound:
            for relative in source.HANDLER_PATHS:
                if os.path.lexists(path / relative):
                    refuse_unless_regular(path / relative)
            raise
    refuse_unless_regular(path)
    return path


def refuse_unless_regular(path: Path) -> None:
    """A handler must be a regular file: not a folder, device, pipe or broken link."""
    if not os.path.lexists(path):
        raise UsageError(f"{path}: no such file or directory")
    if path.is_symlink() and not path.exists():
        raise InputError(f"{path}: a link to nothing; point it at the handler file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file; the handler must be one")


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
    service = project.service_name(program.root)

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
    return Built(result, program, service.slug)


def image_annotations(program: Program, service: project.ServiceName) -> dict[str, str]:
    """Title, contract digest and proof level, and git source when there is one.

    The title is stamped only when it comes from the project's content
    (package.json, git origin): a name taken from the folder would make the same
    handler's digest depend on where it was checked out.
    """
    annotations = program.contract.annotations()
    if service.origin != project.FROM_DIRECTORY:
        annotations["org.opencontainers.image.title"] = service.slug

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
    if not (raw.isascii() and raw.isdigit()):
        raise UsageError(
            f"SOURCE_DATE_EPOCH={raw!r} is not a whole number of seconds: "
            "set it to a Unix time such as 1700000000, or unset it"
        )
    if int(raw) > MAX_EPOCH:
        raise UsageError(
            f"SOURCE_DATE_EPOCH={raw} is later than a tar header can record "
            f"(at most {MAX_EPOCH}, in the year 2242)"
        )
    return int(raw)
