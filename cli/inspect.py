"""`zigttp inspect`: what is inside a built image, for people or for tools."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from zigttp.oci import inspect as inspection
from zigttp.oci import layout, tarball
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
        output.result(render(description))


def load(target: str) -> Image | Index:
    path = Path(target)
    if path.is_dir():
        return layout.read(path)
    if path.is_file():
        return tarball.read(path)
    from zigttp.oci import registry

    return registry.read(target)


def render(description: dict[str, Any], indent: str = "") -> str:
    """A nested description as indented `key: value` lines."""
    lines = []
    for key, value in description.items():
        if isinstance(value, dict):
            lines.append(f"{indent}{key}:")
            lines.append(render(value, indent + "  "))
        elif isinstance(value, list):
            lines.append(f"{indent}{key}:")
            lines.extend(f"{indent}  - {_one_line(item)}" for item in value)
        else:
            lines.append(f"{indent}{key}: {value}")
    return "\n".join(line for line in lines if line)


def _one_line(item: Any) -> str:
    if isinstance(item, dict):
        return ", ".join(f"{key}={value}" for key, value in item.items())
    return str(item)
