"""`zigttp serve`: compile the handler for this machine and run it."""

from __future__ import annotations

import time
from pathlib import Path

import click

from zigttp import build as builder
from zigttp import local
from zigttp.errors import ZigttpError

from . import output

WATCH_INTERVAL_SECONDS = 0.3


@click.command()
@click.argument("handler", type=click.Path(path_type=Path), default=".")
@click.option(
    "-p", "--port", default=8080, show_default=True, help="Port to listen on."
)
@click.option(
    "-h", "--host", default="127.0.0.1", show_default=True, help="Address to bind."
)
@click.option(
    "--watch", is_flag=True, help="Rebuild and restart when a source changes."
)
@click.option(
    "--no-env-check",
    is_flag=True,
    help="Start even when an env name the contract lists is not set.",
)
def serve(handler: Path, port: int, host: str, watch: bool, no_env_check: bool) -> None:
    """Run HANDLER (a file, or a folder to search) with the runtime that deploy ships.

    The handler sees what a deploy would give it: .env beside the handler, plus
    this shell's values for the names its contract lists. Like the image, it
    refuses to start while a name the contract lists is unset (--no-env-check
    starts anyway). Ctrl-C stops it cleanly; a handler that cannot start makes
    serve exit 1.

    \b
    Examples:
      zigttp serve
      zigttp serve examples/hello/handler.ts -p 3000
      zigttp serve --watch
    """
    path = builder.locate_handler(handler)
    running = Running(path, host, port, check_env=not no_env_check)

    try:
        if watch:
            running.restart_on_change()
        else:
            code = running.process.wait()
            if code != 0:
                raise ZigttpError(f"the handler stopped with exit {code} (see above)")
    except KeyboardInterrupt:
        output.say("stopping")
    finally:
        running.process.stop()


class Running:
    """The handler process being served, replaced when its sources change."""

    def __init__(self, path: Path, host: str, port: int, check_env: bool) -> None:
        self.path = path
        self.host = host
        self.port = port
        self.check_env = check_env
        self.process = self.start(compile_once(path))

    def start(self, build: local.LocalBuild) -> local.Process:
        env, missing = local.environment(build)
        if missing and not self.check_env:
            names = ", ".join(missing)
            output.warn(f"not set: {names}; env() returns undefined for them")
        return local.Process(build, self.host, self.port, env, self.check_env)

    def restart_on_change(self) -> None:
        """Poll the sources; on a change rebuild, and swap the process if it built."""
        seen = snapshot(self.process.build.watched_files())
        reported = False
        while True:
            time.sleep(WATCH_INTERVAL_SECONDS)
            code = self.process.poll()
            if code is not None and not reported:
                output.warn(
                    f"the handler stopped with exit {code}; waiting for a change"
                )
                reported = True
            now = snapshot(self.process.build.watched_files())
            if now == seen:
                continue
            seen = now
            reported = False

            output.say("change seen, rebuilding")
            try:
                build = compile_once(self.path)
            except ZigttpError as error:
                output.say(str(error), fg="red")
                continue

            self.process.stop()
            self.process = self.start(build)
            seen = snapshot(build.watched_files())


def compile_once(path: Path) -> local.LocalBuild:
    progress = output.ProgressLines()
    try:
        return local.compile_for_host(path, progress)
    finally:
        progress.close()


def snapshot(paths: list[Path]) -> dict[Path, float]:
    return {path: path.stat().st_mtime if path.exists() else 0.0 for path in paths}
