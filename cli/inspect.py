"""`zigttp inspect`: what is inside a built image, for people or for tools."""

from __future__ import annotations

import json

import click

from zigttp.errors import UsageError
from zigttp.oci import inspect as inspection
from zigttp.oci import local
from zigttp.oci import registry as oci_registry
from zigttp.oci.image import Image, Index

from . import output
from .registry_options import RegistryOptions, registry_options


@click.command()
@click.argument("target", default=".zigttp/image")
@registry_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON for tools.")
def inspect(target: str, registry: RegistryOptions, as_json: bool) -> None:
    """Show manifest, config, labels, contract facts and files of TARGET.

    TARGET is an image layout folder or an OCI archive (PATH:TAG picks one
    image of several), or a registry reference. Text from the image is shown
    with control characters escaped; --json gives it exactly.

    \b
    Examples:
      zigttp inspect
      zigttp inspect hello.tar --json
      zigttp inspect images:v2
      printf '%s\\n' "$PASS" | zigttp inspect -u ci --password-stdin reg.test/a:2
    """
    description = inspection.describe(load(target, registry))
    if as_json:
        output.result(json.dumps(description, indent=2, sort_keys=True))
    else:
        output.result(inspection.text(description))


def load(target: str, registry: RegistryOptions) -> Image | Index:
    """The image on disk at PATH[:TAG], or in a registry at a reference."""
    tls = registry.use_tls()
    found = local.find(target)
    if found is not None:
        return local.read(*found)
    if "/" not in target or target.startswith((".", "/")):
        raise UsageError(
            f"{target}: no such image folder or archive, and not a registry "
            "reference like localhost:5000/team/app:1"
        )
    return oci_registry.read(
        target,
        auth=registry.credentials(),
        insecure=registry.insecure,
        tls=tls,
        ca_bundle=registry.ca_bundle,
        progress=output.EventLines(),
    )
