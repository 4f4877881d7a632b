"""What an import specifier may name: a zigttp virtual module or a project file."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from .source import EXTENSIONS
from .virtual_modules import MODULES

VIRTUAL_PREFIXES = ("zigttp:", "zttp:")


class SpecifierProblem(Exception):
    """Why a specifier cannot be used; the caller adds the file position."""


def is_relative(specifier: str) -> bool:
    """True for `./x` and `../x`, the only file imports a handler may use."""
    return specifier.startswith(("./", "../"))


def virtual_module(specifier: str) -> str | None:
    """The normalised `zigttp:NAME` for a virtual module specifier, else None."""
    for prefix in VIRTUAL_PREFIXES:
        if not specifier.startswith(prefix):
            continue

        module = "zigttp:" + specifier.removeprefix(prefix)
        if module not in MODULES:
            available = ", ".join(MODULES)
            raise SpecifierProblem(
                f'unknown module "{specifier}": the available modules are {available}'
            )
        return module

    if not is_relative(specifier):
        raise SpecifierProblem(
            f'cannot import "{specifier}": only zigttp:* modules and relative files '
            "(./file.ts) can be imported"
        )
    return None


def resolve_file(specifier: str, importer: Path, root: Path) -> Path:
    """The project file a relative specifier names, inside `root`."""
    target = Path(os.path.normpath(importer.parent / specifier))
    if not _inside(target, root):
        raise SpecifierProblem(
            f'"{specifier}" points outside the project folder {root}: '
            "keep imported files inside it"
        )

    candidates = _candidates(target)
    for candidate in candidates:
        if candidate.is_file():
            if not _inside(candidate.resolve(), root.resolve()):
                raise SpecifierProblem(
                    f'"{specifier}" links outside the project folder {root}: '
                    "keep imported files inside it"
                )
            return candidate

    if target.is_file():
        raise SpecifierProblem(
            f'cannot import "{specifier}": only .ts, .tsx, .js and .jsx files '
            "can be bundled"
        )
    tried = ", ".join(_relative(candidate, importer) for candidate in candidates)
    raise SpecifierProblem(f'cannot find "{specifier}" (tried {tried})')


def module_name(path: Path, root: Path) -> str:
    """A file's payload name: its POSIX path relative to the project root."""
    return Path(os.path.normpath(path)).relative_to(root).as_posix()


def link(importer_name: str, target_name: str) -> str:
    """The specifier that names `target_name` from `importer_name` (`./lib/x.ts`)."""
    importer_folder = PurePosixPath(importer_name).parent.as_posix()
    relative = os.path.relpath(target_name, importer_folder or ".")
    relative = PurePosixPath(relative).as_posix()
    return relative if relative.startswith("../") else f"./{relative}"


def _candidates(target: Path) -> list[Path]:
    if target.suffix in EXTENSIONS:
        found = [target]
        if target.suffix in (".js", ".jsx"):
            # TypeScript projects write "./x.js" for the file ./x.ts.
            found += [target.with_suffix(".ts"), target.with_suffix(".tsx")]
        return found

    appended = [target.with_name(target.name + suffix) for suffix in EXTENSIONS]
    indexes = [target / f"index{suffix}" for suffix in EXTENSIONS]
    return appended + indexes


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _relative(candidate: Path, importer: Path) -> str:
    relative = os.path.relpath(candidate, importer.parent)
    return relative if relative.startswith("..") else f"./{relative}"
