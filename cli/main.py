"""The `zigttp` command: the one place that turns errors into exit codes."""

from __future__ import annotations

import importlib
import logging
import os
import sys

import click

from zigttp import __version__, signals
from zigttp.errors import DotenvError, SourceError, ZigttpError

from . import output

# Each command's module is imported only when that command runs (or --help lists
# it), so `zigttp build` does not pay for the control plane's imports.
COMMANDS = {
    "build": "build:build",
    "serve": "serve:serve",
    "inspect": "inspect:inspect",
    "contract": "contract:contract",
    "push": "push:push",
    "deploy": "deploy:deploy",
    "login": "login:login",
    "logout": "login:logout",
    "review": "review:review",
    "grants": "review:grants",
    "revoke-grant": "review:revoke_grant",
    "control-plane": "control_plane:control_plane",
}


class LazyGroup(click.Group):
    """A group that imports a command's module the first time it is needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        module = importlib.import_module(f"{__package__}.{module_name}")
        command = getattr(module, attribute)
        assert isinstance(command, click.Command)
        return command


log = logging.getLogger(__name__)

EXIT_USAGE = 1
EXIT_INTERRUPTED = 130


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["--help"]})
@click.version_option(__version__, prog_name="zigttp")
@click.option("-v", "--verbose", is_flag=True, help="Show debug detail on stderr.")
def cli(verbose: bool) -> None:
    """Ship a TypeScript HTTP handler as a static binary in a reproducible OCI image.

    \b
    Examples:
      zigttp serve handler.ts      # run it here
      zigttp build                 # write .zigttp/image and print its digest
      zigttp deploy                # sign in, review, build, push, release, URL
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(name)s: %(message)s",
        stream=sys.stderr,
    )


def describe(error: ZigttpError) -> str:
    """Located errors already start with `file:line:`; the rest get a prefix."""
    if isinstance(error, SourceError | DotenvError):
        return error.message
    return f"error: {error.message}"


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with the code the outcome calls for."""
    signals.unwind_on_termination()
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
    except (click.Abort, KeyboardInterrupt) as interrupt:
        # click turns KeyboardInterrupt into Abort; the signal is its cause.
        cause = interrupt.__cause__ if isinstance(interrupt, click.Abort) else interrupt
        if isinstance(cause, signals.SignalReceived):
            output.say(f"stopped by {cause.name}")
            sys.exit(128 + cause.number)
        output.say("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        # The reader of stdout went away (`zigttp inspect | head`): nothing to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_USAGE)
    except OSError as error:
        output.say(f"error: {describe_os_error(error)}", fg="red")
        sys.exit(EXIT_USAGE)
    except Exception as error:
        # A bug: one line for the user; the traceback only with -v.
        log.debug("internal error", exc_info=True)
        output.say(
            f"error: internal error ({type(error).__name__}: {error}); "
            "re-run with -v to see where, and please report it",
            fg="red",
        )
        sys.exit(EXIT_USAGE)
    sys.exit(0)


def describe_os_error(error: OSError) -> str:
    """`path: reason` for a file system error that no step turned into its own."""
    reason = error.strerror or str(error)
    if error.filename is not None:
        return f"{error.filename}: {reason.lower()}"
    return reason
