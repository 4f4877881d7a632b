"""`zigttp build`: the offline build of a handler into an OCI layout or archive."""

from __future__ import annotations

from pathlib import Path

import click

from zigttp import build as builder
from zigttp.errors import DigestMismatch, UsageError
from zigttp.oci import diff, layout, tarball
from zigttp.oci.image import Image, Index
from zigttp.oci.layer import Compression

from . import output

DEFAULT_OUTPUT = Path(".zigttp") / "image"


def split_platforms(value: str) -> list[str]:
    platforms = [name.strip() for name in value.split(",") if name.strip()]
    if not platforms:
        raise UsageError("--platform needs at least one platform, e.g. linux/amd64")
    return sorted(set(platforms), key=platforms.index)


@click.command()
@click.argument("directory", type=click.Path(path_type=Path), default=".")
@click.option(
    "--platform",
    "platform",
    default="linux/amd64",
    show_default=True,
    help="Comma-separated platforms; several make an image index.",
)
@click.option(
    "-o",
    "--output",
    "output_path",
    type=click.Path(path_type=Path),
    help="Where to write the image [default: DIRECTORY/.zigttp/image, or .tar].",
)
@click.option(
    "--format",
    "form",
    type=click.Choice(["layout", "tar"]),
    default="layout",
    show_default=True,
    help="An OCI image layout folder, or an OCI archive (tar) of one.",
)
@click.option(
    "--compression",
    type=click.Choice(["gzip", "zstd"]),
    default="gzip",
    show_default=True,
    help="Layer compression.",
)
@click.option(
    "--expect-digest",
    metavar="SHA256",
    help="Fail (exit 1) and say where, when the digest differs: a CI check.",
)
def build(
    directory: Path,
    platform: str,
    output_path: Path | None,
    form: str,
    compression: Compression,
    expect_digest: str | None,
) -> None:
    """Build the handler in DIRECTORY into an OCI image; print its digest.

    No network (after the first run fetched the engine sources) and no Docker.
    SOURCE_DATE_EPOCH sets the image's creation time; the same inputs always give
    the same digest.

    \b
    Examples:
      zigttp build
      zigttp build examples/hello --platform linux/amd64,linux/arm64
      zigttp build --format tar -o hello.tar
      zigttp build --expect-digest sha256:0b3e...
    """
    platforms = split_platforms(platform)
    epoch = builder.source_date_epoch()
    target = output_path or default_output(directory, form)

    progress = output.ProgressLines()
    try:
        built = builder.build_image(directory, platforms, compression, epoch, progress)
    finally:
        progress.close()

    if expect_digest and expect_digest != str(built.image.digest):
        raise DigestMismatch(
            expect_digest, str(built.image.digest), explain(built.image, target, form)
        )

    write(built.image, target, form)
    output.say(f"wrote {target} ({describe(built)})")
    output.result(str(built.image.digest))


def default_output(directory: Path, form: str) -> Path:
    base = directory if directory.is_dir() else directory.parent
    path = base / DEFAULT_OUTPUT
    return path.with_suffix(".tar") if form == "tar" else path


def write(image: Image | Index, target: Path, form: str) -> None:
    if form == "tar":
        tarball.write(image, target)
    else:
        layout.write(image, target)


def explain(image: Image | Index, previous: Path, form: str) -> list[str]:
    """Where the rebuilt image differs from the one last written at `previous`."""
    if not previous.exists():
        return [f"no earlier build at {previous} to compare with"]
    earlier = tarball.read(previous) if form == "tar" else layout.read(previous)
    return diff.explain(earlier, image)


def describe(built: builder.Built) -> str:
    level = built.program.contract.to_json()["proofLevel"]
    return f"service {built.service}, proof {level}"
