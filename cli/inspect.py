"""`zigttp inspect`: what is inside a built image, for people or for tools."""

from __future__ import annotations

import json
from pathlib import Path

import click

from zigttp.errors import UsageError
from zigttp.oci import inspect as inspection
from zigttp.oci import layout, registry, tarball
from zigttp.oci.image import Image, Index

from . import output


@click.command()
@click.argument("target", default=".zigttp/image")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for tools.")
def inspect(target: str, as_json: bool) -> None:
    """Show manifest, config, labels, contract facts and files of TARGET.

    TARGET is an image layout folder, an OCI archive, or a registry reference.

    \b
    Examples:
      zigttp inspect
      zigttp inspect hello.tar --json
      zigttp inspect localhost:5000/team/hello:1
    """
    description = inspection.describe(load(target))
    if as_json:
        output.result(json.dumps(description, indent=2, sort_keys=True))
    else:
        output.result(inspection.text(description))


def load(target: str) -> Image | Index:
    path = Path(target)
    if path.is_dir():
        return layout.read(path)
    if path.is_file():
        return tarball.read(path)
    if "/" not in target or target.startswith((".", "/")):
        raise UsageError(
            f"{target}: no such image folder or archive, and not a registry "
            "reference like localhost:5000/team/app:1"
        )
    return registry.read(target)
