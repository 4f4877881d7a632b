"""`zigttp deploy`: ship the handler in this folder and print its public URL."""

from __future__ import annotations

from pathlib import Path

import click

from zigttp.deploy import detect, pipeline, state
from zigttp.deploy.wait import ready_timeout
from zigttp.progress import Step

from . import output
from .login import signed_in


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

    The handler, the service name and .env come from the current folder; the
    contract goes to the control plane before anything is uploaded. Exit codes:
    0 deployed, 1 error, 2 drift (re-run with --confirm), 3 not ready in time,
    4 the service failed to start, 5 review required.

    \b
    Examples:
      zigttp deploy
      zigttp deploy --region eu-west --confirm
      zigttp deploy --no-wait
    """
    directory = Path.cwd()
    previous = state.load(directory)
    project = detect.detect(directory, region, previous)
    options = pipeline.Options(
        confirm=confirm, wait=not no_wait, ready_seconds=ready_timeout()
    )

    lines = Lines()
    with signed_in() as plane:
        try:
            outcome = pipeline.deploy(
                project, plane, previous.get(project.service), options, lines
            )
        finally:
            lines.close()

    if outcome.ready:
        output.say(f"{project.service} is ready ({outcome.seconds:.1f} s)", fg="green")
    else:
        output.say(f"{project.service} released; not waiting for ready (--no-wait)")
    output.say(f"digest {outcome.digest}")
    output.result(outcome.url)
