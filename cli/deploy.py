"""`zigttp deploy`: ship the handler in this folder and print its public URL."""

from __future__ import annotations

import signal
from pathlib import Path

import click

from zigttp.deploy import detect, pipeline, state
from zigttp.deploy.wait import ready_timeout
from zigttp.errors import Terminated
from zigttp.progress import Step
from zigttp.signals import SignalReceived

from . import output
from .login import local_sign_in, verified_sign_in


class Lines:
    """The deploy's Reporter: steps, warnings and progress on stderr."""

    def __init__(self) -> None:
        self.building = output.ProgressLines()
        self.pushing = output.EventLines()
        self.waiting = output.ProgressLines()

    def say(self, line: str) -> None:
        self.building.close()
        output.say(line)

    def warn(self, line: str) -> None:
        self.building.close()
        output.warn(line)

    def build_progress(self, step: Step) -> None:
        self.building(step)

    def push_progress(self, step: Step) -> None:
        self.pushing(step)

    def wait_progress(self, step: Step) -> None:
        self.waiting(step)

    def close(self) -> None:
        self.building.close()
        self.waiting.close()


@click.command()
@click.option(
    "--region", metavar="NAME", help="Region [default: the last one, else us-central]."
)
@click.option(
    "--confirm", is_flag=True, help="Proceed despite drift, and rebind the state."
)
@click.option("--no-wait", is_flag=True, help="Return once the release is accepted.")
def deploy(region: str | None, confirm: bool, no_wait: bool) -> None:
    """Build the handler in this folder, push it and release it; print its URL.

    The handler, the service name and .env come from the current folder; every
    env name the contract reads must be in .env. The contract goes to the
    control plane before anything is uploaded. Exit codes: 0 deployed, 1 error,
    2 drift (re-run with --confirm), 3 not ready within our wait
    (ZIGTTP_READY_TIMEOUT, 120 s), 4 the service reported that it failed to
    start, 5 review required, 6 superseded (another deploy released a newer
    version while we waited), 130 Ctrl-C, 143 SIGTERM (both say what did and
    did not happen).

    \b
    Environment:
      ZIGTTP_CONTROL_PLANE_URL  the control plane (default https://api.zigttp.dev)
      ZIGTTP_TOKEN              an access token, used instead of the saved one
      ZIGTTP_HOME               where sign-in is kept (default ~/.zigttp)
      ZIGTTP_CACHE_DIR          the build cache (default: the platform's)

    \b
    Examples:
      zigttp deploy
      zigttp deploy --region eu-west --confirm
      zigttp deploy --no-wait
    """
    try:
        service, outcome = run(region, confirm, no_wait)
    except SignalReceived as received:
        if received.number != signal.SIGTERM:
            raise
        raise Terminated(
            "terminated before the deploy started: nothing was built, "
            "uploaded or released"
        ) from None

    if outcome.ready:
        output.say(f"{service} is ready ({outcome.waited:.1f} s)", fg="green")
    else:
        output.say(f"{service} released; not waiting for ready (--no-wait)")
    output.say(f"digest {outcome.digest}")
    output.result(outcome.url)


def run(
    region: str | None, confirm: bool, no_wait: bool
) -> tuple[str, pipeline.Outcome]:
    """Read the folder, prepare, sign in and deploy: (service name, outcome).

    Everything that can fail without the network (the folder, .env, the token's
    form, the contract, the env names it reads) fails before anything is sent.
    """
    directory = Path.cwd()
    previous = state.load(directory)
    project = detect.detect(directory, region, previous)
    options = pipeline.Options(
        confirm=confirm, wait=not no_wait, ready_seconds=ready_timeout()
    )
    saved = local_sign_in()

    lines = Lines()
    try:
        prepared = pipeline.prepare(project, previous.get(project.service), lines)
        with verified_sign_in(saved) as plane:
            return project.service, pipeline.deploy(prepared, plane, options, lines)
    finally:
        lines.close()
