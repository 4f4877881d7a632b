"""The `zigttp` command."""

from __future__ import annotations

import click


@click.group()
def cli() -> None:
    """zigttp: ship a TypeScript HTTP handler as a static binary in an OCI image."""


def main() -> None:
    cli()
