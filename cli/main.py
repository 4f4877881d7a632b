"""The `zigttp` command: the one place that turns errors into exit codes."""

from __future__ import annotations

import logging
import sys

import click

from zigttp import __version__
from zigttp.errors import DotenvError, SourceError, ZigttpError

from . import output
from .build import build
from .contract import contract
from .control_plane import control_plane
from .deploy import deploy
from .inspect import inspect
from .login import login, logout
from .push import push
from .review import grants, review, revoke_grant
from .serve import serve

EXIT_USAGE = 1
EXIT_INTERRUPTED = 130


@click.group(context_settings={"help_option_names": ["--help"]})
@click.version_option(__version__, prog_name="zigttp")
@click.option("-v", "--verbose", is_flag=True, help="Show debug detail on stderr.")
def cli(verbose: bool) -> None:
    """Ship a TypeScript HTTP handler as a static binary in a reproducible OCI image.

    \b
    Example:
      zigttp serve handler.ts      # run it here
      zigttp build                 # write .zigttp/image and print its digest
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(name)s: %(message)s",
        stream=sys.stderr,
    )


for command in (
    build,
    serve,
    inspect,
    contract,
    push,
    control_plane,
    deploy,
    login,
    logout,
    review,
    grants,
    revoke_grant,
):
    cli.add_command(command)


def describe(error: ZigttpError) -> str:
    """Located errors already start with `file:line:`; the rest get a prefix."""
    if isinstance(error, SourceError | DotenvError):
        return error.message
    return f"error: {error.message}"


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with the code the outcome calls for."""
    try:
        cli.main(args=argv, prog_name="zigttp", standalone_mode=False)
    except ZigttpError as error:
        output.say(describe(error), fg="red")
        sys.exit(error.exit_code)
    except click.UsageError as error:
        hint = f" (see 'zigttp {error.ctx.info_name} --help')" if error.ctx else ""
        output.say(f"error: {error.format_message()}{hint}", fg="red")
        sys.exit(EXIT_USAGE)
    except click.ClickException as error:
        output.say(f"error: {error.format_message()}", fg="red")
        sys.exit(EXIT_USAGE)
    except (click.Abort, KeyboardInterrupt):
        output.say("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(0)
