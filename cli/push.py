"""`zigttp push`: send a built image to any OCI distribution registry."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from zigttp import dirs
from zigttp.errors import UsageError
from zigttp.oci import layout, registry, tarball
from zigttp.oci.credentials import Credentials
from zigttp.oci.image import Image, Index
from zigttp.oci.known_blobs import KnownBlobs

from . import output

DEFAULT_IMAGE = Path(".zigttp") / "image"


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
@click.option("-u", "--username", help="Registry user name.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from stdin (one line)."
)
@click.option(
    "--insecure",
    is_flag=True,
    help="Allow plain HTTP to a registry that is not on this machine.",
)
@click.option(
    "--ca-bundle",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="PEM file of CAs to trust for the registry's TLS certificate.",
)
@click.option(
    "--chunk-size", default="8M", show_default=True, help="Upload chunk size."
)
@click.option(
    "--concurrency", default=3, show_default=True, help="Blobs uploaded at once."
)
def push(
    arguments: tuple[str, ...],
    username: str | None,
    password_stdin: bool,
    insecure: bool,
    ca_bundle: Path | None,
    chunk_size: str,
    concurrency: int,
) -> None:
    """Push IMAGE (a layout or OCI archive; default .zigttp/image) to REF.

    Blobs the registry already has are skipped. Credentials come from
    --username with --password-stdin, else ZIGTTP_REGISTRY_USERNAME and
    ZIGTTP_REGISTRY_PASSWORD, else docker's config.json. Prints the digest.

    \b
    Examples:
      zigttp build && zigttp push localhost:5000/team/hello:1
      printf '%s\\n' "$PASS" | zigttp push -u ci --password-stdin x.tar reg.test/a:2
    """
    source, ref = split_arguments(arguments)
    if concurrency < 1:
        raise UsageError("--concurrency must be at least 1")

    image = load(source)
    auth = read_credentials(username, password_stdin)
    known = KnownBlobs.load(known_blobs_path())
    started = time.monotonic()
    result = registry.push(
        image,
        ref,
        auth=auth,
        progress=output.EventLines(),
        insecure=insecure,
        ca_bundle=ca_bundle,
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


def split_arguments(arguments: tuple[str, ...]) -> tuple[Path, str]:
    if len(arguments) == 1:
        return DEFAULT_IMAGE, arguments[0]
    if len(arguments) == 2:
        return Path(arguments[0]), arguments[1]
    raise UsageError(
        "give a registry reference, optionally after the image: [IMAGE] REF"
    )


def load(source: Path) -> Image | Index:
    if source.is_dir():
        return layout.read(source)
    if source.is_file():
        return tarball.read(source)
    raise UsageError(f"{source}: no image there; run `zigttp build` first")


def read_credentials(username: str | None, password_stdin: bool) -> Credentials | None:
    if password_stdin and not username:
        raise UsageError("--password-stdin needs --username")
    if username and not password_stdin:
        raise UsageError("--username needs --password-stdin (never a password flag)")
    if not username:
        return None
    return Credentials.from_stream(username, sys.stdin.read())
