"""`zigttp contract`: the facts proven about a handler, as canonical JSON."""

from __future__ import annotations

from pathlib import Path

import click

from zigttp import build as builder
from zigttp import untrusted

from . import output


@click.command()
@click.argument("handler", type=click.Path(path_type=Path), default=".")
@click.option("--explain", is_flag=True, help="Show the source line behind each fact.")
def contract(handler: Path, explain: bool) -> None:
    """Print the proven contract of HANDLER (a file, or a folder to search).

    \b
    Examples:
      zigttp contract
      zigttp contract examples/hello/handler.ts | jq .env
      zigttp contract --explain
    """
    program = builder.load_program(handler)
    if explain:
        for line in program.contract.explain():
            output.say(untrusted.printable(line))
    output.result(program.contract.canonical().decode("utf-8"))
