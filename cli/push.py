"""`zigttp push`: send a built image to any OCI distribution registry."""

from __future__ import annotations

import time
from pathlib import Path

import click

from zigttp import dirs
from zigttp.errors import UsageError
from zigttp.oci import local
from zigttp.oci import registry as oci_registry
from zigttp.oci.image import Image, Index
from zigttp.oci.known_blobs import KnownBlobs

from . import output
from .registry_options import RegistryOptions, registry_options

DEFAULT_IMAGE = ".zigttp/image"


def known_blobs_path() -> Path:
    """Where pushes remember which repositories hold which blobs, for mounts."""
    return dirs.cache_dir() / "known-blobs.json"


SIZE_SUFFIXES = {"k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(text: str) -> int:
    """`8M`, `512k` or a plain number of bytes."""
    raw = text.strip().lower().removesuffix("ib").removesuffix("b")
    factor = SIZE_SUFFIXES.get(raw[-1:], 1)
    digits = raw[:-1] if raw[-1:] in SIZE_SUFFIXES else raw
    if not digits.isdigit() or int(digits) == 0:
        raise UsageError(f"--chunk-size {text!r}: give a size such as 8M or 1048576")
    return int(digits) * factor


@click.command()
@click.argument("arguments", nargs=-1, metavar="[IMAGE] REF")
@registry_options
@click.option(
    "--chunk-size", default="8M", show_default=True, help="Upload chunk size."
)
@click.option(
    "--concurrency", default=3, show_default=True, help="Blobs uploaded at once."
)
def push(
    arguments: tuple[str, ...],
    registry: RegistryOptions,
    chunk_size: str,
    concurrency: int,
) -> None:
    """Push IMAGE (a layout or OCI archive; default .zigttp/image) to REF.

    IMAGE:TAG picks one image of a layout or archive that holds several. Blobs
    the registry already has are skipped. Credentials come from --username
    with --password-stdin, else ZIGTTP_REGISTRY_USERNAME and
    ZIGTTP_REGISTRY_PASSWORD, else docker's config.json. Prints the digest.

    \b
    Examples:
      zigttp build && zigttp push localhost:5000/team/hello:1
      printf '%s\\n' "$PASS" | zigttp push -u ci --password-stdin x.tar reg.test/a:2
      zigttp push --ca-bundle ca.pem images:v2 127.0.0.1:5443/team/hello:2
    """
    source, ref = split_arguments(arguments)
    if concurrency < 1:
        raise UsageError("--concurrency must be at least 1")

    tls = registry.use_tls()
    image = load(source)
    auth = registry.credentials()
    known = KnownBlobs.load(known_blobs_path())
    started = time.monotonic()
    result = oci_registry.push(
        image,
        ref,
        auth=auth,
        progress=output.EventLines(),
        insecure=registry.insecure,
        tls=tls,
        ca_bundle=registry.ca_bundle,
        concurrency=concurrency,
        chunk_size=parse_size(chunk_size),
        known=known,
    )
    known.save(known_blobs_path())

    elapsed = time.monotonic() - started
    uploaded = sum(blob.size for blob in result.blobs if blob.outcome == "uploaded")
    output.say(
        f"pushed {ref}: {result.count('uploaded')} uploaded "
        f"({output.human_size(uploaded)}), {result.count('mounted')} mounted, "
        f"{result.count('skipped')} skipped in {elapsed:.2f}s"
    )
    output.result(str(result.digest))


def split_arguments(arguments: tuple[str, ...]) -> tuple[str, str]:
    if len(arguments) == 1:
        return DEFAULT_IMAGE, arguments[0]
    if len(arguments) == 2:
        return arguments[0], arguments[1]
    raise UsageError(
        "give a registry reference, optionally after the image: [IMAGE] REF"
    )


def load(source: str) -> Image | Index:
    """The image in a layout or archive named PATH or PATH:TAG."""
    found = local.find(source)
    if found is None:
        raise UsageError(f"{source}: no image there; run `zigttp build` first")
    return local.read(*found)
