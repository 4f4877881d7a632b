"""Build the runtime and the host bytecode compiler with zig, cached per target."""

from __future__ import annotations

import concurrent.futures
import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from zigttp import dirs
from zigttp.progress import Progress, Step, silent
from zigttp.toolchain import ca_roots, cache, engine, vendored, zig
from zigttp.toolchain.targets import Target, host

log = logging.getLogger(__name__)

RUNTIME_NAME = "zigttp-runtime"
COMPILER_NAME = "zigttp-qjsc"
COMPILER_SOURCE = "qjsc.c"
ARCHIVE_NAME = "libquickjs.a"

# One flag set for every compile and link: zig builds musl once per target and
# flag set, so sharing them means that slow step happens once. `-s` is what
# makes binaries reproducible: unstripped ones carry zig's own libc paths.
FLAGS = (
    "-O2",
    "-s",
    "-std=gnu11",
    "-D_GNU_SOURCE",
    "-fwrapv",
    "-fno-sanitize=all",
)
LINK_FLAGS = ("-static", "-Wl,--build-id=none")
ENGINE_WARNINGS = ("-w",)
RUNTIME_WARNINGS = ("-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-c23-extensions")
# The Zig parts (TLS) are built small and stripped; their panics trap.
ZIG_FLAGS = ("-O", "ReleaseSmall", "-fstrip", "-lc")


def _engine_facts(target: Target) -> dict[str, Any]:
    pin = vendored.engine_pin()
    return {
        "target": target.triple,
        "engine": f"{pin.name}-{pin.version}",
        "engine_sha256": pin.sha256,
        "flags": list(FLAGS),
        "zig": zig.version(),
    }


def _runtime_facts(target: Target) -> dict[str, Any]:
    sources = {path.name: cache.file_digest(path) for path in vendored.runtime_files()}
    roots = vendored.roots_pin()
    return {
        **_engine_facts(target),
        "link": list(LINK_FLAGS),
        "zig_flags": list(ZIG_FLAGS),
        "runtime_sources": sources,
        "ca_roots": f"{roots.name}-{roots.version}-{roots.sha256}",
    }


def _prefix_maps(build_dir: Path) -> list[str]:
    """Rewrite build paths in the output so no cache or install location shows."""
    folders = {
        "engine": engine.sources_dir(),
        "runtime": vendored.runtime_dir(),
        "build": build_dir,
        "zig": zig.cache_dir(),
    }
    return [f"-ffile-prefix-map={folder}={alias}" for alias, folder in folders.items()]


class _Build:
    """One cold build: compile steps in parallel, progress counted as they end."""

    def __init__(self, target: Target, total: int, progress: Progress) -> None:
        self.target = target
        self.total = total
        self.done = 0
        self.progress = progress
        self.label = f"building runtime for {target.triple} (first time only)"
        self.progress(Step(self.label, 0, total))

    def step_done(self) -> None:
        """Count one finished step; called on the caller's thread only."""
        self.done = min(self.done + 1, self.total)
        self.progress(Step(self.label, self.done, self.total))

    def run_all(self, jobs: Sequence[Callable[[], None]]) -> None:
        """Run `jobs` on a few threads; on any failure or interrupt stop the rest."""
        workers = max(1, min(len(jobs), os.cpu_count() or 1))
        cancelled = threading.Event()

        def unless_cancelled(job: Callable[[], None]) -> None:
            if not cancelled.is_set():
                job()

        pool = concurrent.futures.ThreadPoolExecutor(workers)
        futures = [pool.submit(unless_cancelled, job) for job in jobs]
        try:
            for future in concurrent.futures.as_completed(futures):
                future.result()
                self.step_done()
        except BaseException:
            cancelled.set()
            pool.shutdown(wait=False, cancel_futures=True)
            # A job may have started its compiler a moment after the first stop.
            while not all(future.done() for future in futures):
                zig.stop_all()
                concurrent.futures.wait(futures, timeout=0.1)
            raise
        finally:
            pool.shutdown(wait=True)


def _compile(
    target: Target, source: Path, output: Path, extra: Sequence[str], cwd: Path
) -> None:
    args = ["cc", "-target", target.triple, *FLAGS, *extra, "-c", str(source)]
    zig.run(
        f"compiling {source.name} for {target.triple}", [*args, "-o", str(output)], cwd
    )


def _compile_zig(target: Target, source: Path, output: Path, cwd: Path) -> None:
    args = ["build-obj", str(source), "-target", target.triple, *ZIG_FLAGS]
    zig.run(
        f"compiling {source.name} for {target.triple}",
        [*args, f"-femit-bin={output}"],
        cwd,
    )


def _link(
    target: Target,
    inputs: Sequence[Path],
    output: Path,
    extra: Sequence[str],
    cwd: Path,
) -> None:
    args = ["cc", "-target", target.triple, *FLAGS, *LINK_FLAGS, *extra]
    args += [str(path) for path in inputs]
    zig.run(
        f"linking {output.name} for {target.triple}", [*args, "-o", str(output)], cwd
    )


def _warm_libc(target: Target, staging: Path) -> None:
    """Link an empty program so zig builds musl while the engine compiles."""
    source = staging / "empty.c"
    source.write_text("int main(void) { return 0; }\n", encoding="utf-8")
    _link(target, [source], staging / "empty", _prefix_maps(staging), staging)
    (staging / "empty").unlink()
    source.unlink()


def engine_archive(target: Target, progress: Progress = silent) -> Path:
    """The QuickJS-ng static library for `target`."""
    key = cache.key({"kind": "engine", **_engine_facts(target)})
    folder = dirs.cache_dir() / "engine" / target.triple / key
    archive = folder / ARCHIVE_NAME
    if archive.is_file():
        return archive

    def build(staging: Path) -> None:
        sources = engine.sources(progress)
        names = vendored.engine_pin().compile
        step = _Build(target, len(names) + 2, progress)
        flags = [*ENGINE_WARNINGS, *_prefix_maps(staging)]

        def compile_one(name: str) -> Callable[[], None]:
            output = staging / (Path(name).stem + ".o")
            return lambda: _compile(target, sources / name, output, flags, staging)

        jobs = [lambda: _warm_libc(target, staging), *map(compile_one, names)]
        step.run_all(jobs)

        objects = [str(staging / (Path(name).stem + ".o")) for name in names]
        what = f"archiving the engine for {target.triple}"
        zig.run(what, ["ar", "rcs", ARCHIVE_NAME, *objects], staging)
        for path in objects:
            Path(path).unlink()
        step.step_done()

    cache.entry(folder, build)
    return archive


def _build_program(
    target: Target,
    kind: str,
    name: str,
    sources: Sequence[Path],
    progress: Progress,
    zig_sources: Sequence[Path] = (),
    c_flags: Sequence[str] = (),
) -> Path:
    """Compile `sources` (and `zig_sources`) and link them with the engine."""
    key = cache.key({"kind": kind, **_runtime_facts(target)})
    folder = dirs.cache_dir() / kind / target.triple / key
    program = folder / name
    if program.is_file():
        return program

    def build(staging: Path) -> None:
        archive = engine_archive(target, progress)
        engine_dir = engine.sources(progress)
        step = _Build(target, len(sources) + len(zig_sources) + 1, progress)
        flags = [*RUNTIME_WARNINGS, f"-I{engine_dir}", *_prefix_maps(staging)]

        objects = [staging / (source.stem + ".o") for source in sources]
        zig_objects = [staging / (source.stem + ".zig.o") for source in zig_sources]

        def compile_one(source: Path, output: Path) -> Callable[[], None]:
            extra = [*flags, *c_flags]
            return lambda: _compile(target, source, output, extra, staging)

        def compile_zig(source: Path, output: Path) -> Callable[[], None]:
            return lambda: _compile_zig(target, source, output, staging)

        # The Zig objects take longest: start them first.
        jobs = [
            *(compile_zig(s, o) for s, o in zip(zig_sources, zig_objects, strict=True)),
            *(compile_one(s, o) for s, o in zip(sources, objects, strict=True)),
        ]
        step.run_all(jobs)
        _link(target, [*objects, *zig_objects, archive], staging / name, flags, staging)
        for path in [*objects, *zig_objects]:
            path.unlink()
        step.step_done()

    cache.entry(folder, build)
    return program


def runtime_binary(target: Target, progress: Progress = silent) -> Path:
    """The static, stripped handler runtime for `target` (without a payload)."""
    files = vendored.runtime_files()
    sources = [p for p in files if p.suffix == ".c" and p.name != COMPILER_SOURCE]
    zig_sources = [p for p in files if p.suffix == ".zig"]
    roots = ca_roots.bundle_dir(progress)
    return _build_program(
        target,
        "runtime",
        RUNTIME_NAME,
        sources,
        progress,
        zig_sources=zig_sources,
        c_flags=[f"--embed-dir={roots}"],
    )


def host_compiler(progress: Progress = silent) -> Path:
    """`zigttp-qjsc` for this machine: turns JavaScript modules into bytecode."""
    source = vendored.runtime_dir() / COMPILER_SOURCE
    return _build_program(host(), "host", COMPILER_NAME, [source], progress)
