"""`zigttp build`: the offline build of a handler into an OCI layout or archive."""

from __future__ import annotations

import re
import tarfile
from pathlib import Path

import click

from zigttp import atomic
from zigttp import build as builder
from zigttp.errors import DigestMismatch, UsageError
from zigttp.oci import diff, layout, tarball
from zigttp.oci.image import Image, Index
from zigttp.oci.layer import Compression
from zigttp.toolchain import targets

from . import output

DEFAULT_OUTPUT = Path(".zigttp") / "image"


DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
PLATFORM_SPELLINGS = {"linux/arm64/v8": "linux/arm64"}


def split_platforms(value: str) -> list[str]:
    """The platforms asked for, in one fixed order: the index digest must not
    depend on the order they were typed in."""
    named = [name.strip().lower() for name in value.split(",") if name.strip()]
    if not named:
        raise UsageError("--platform needs at least one platform, e.g. linux/amd64")
    platforms = {PLATFORM_SPELLINGS.get(name, name) for name in named}
    known = list(targets.TARGETS)
    return sorted(
        platforms,
        key=lambda name: (
            (known.index(name), name) if name in known else (len(known), name)
        ),
    )


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
    if expect_digest is not None and not DIGEST.fullmatch(expect_digest):
        raise UsageError(
            f"--expect-digest {expect_digest!r}: give the digest as zigttp build "
            "prints it, sha256:<64 lowercase hex digits>"
        )
    check_output(target, form)

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


def check_output(target: Path, form: str) -> None:
    """Refuse, before any work, an output path that holds something not ours.

    Only a new path, an empty folder, an earlier image layout or an earlier OCI
    archive is ever replaced, so `-o .` or `-o handler.ts` cannot destroy sources.
    """
    kind = atomic.kind_of(target)
    wanted = "file" if form == "tar" else "folder"
    if kind is None:
        return
    if kind not in (wanted, "link"):
        raise UsageError(f"cannot write {target}: it is a {kind}; choose another path")
    if form == "tar" and not is_oci_archive(target):
        raise UsageError(
            f"cannot write {target}: it holds something other than an OCI archive; "
            "choose another path"
        )
    if form == "layout" and not layout.holds_only_a_layout(target):
        raise UsageError(
            f"cannot write {target}: it is a folder that holds other files; "
            "choose a new or empty folder"
        )


def is_oci_archive(path: Path) -> bool:
    """An empty file, or a tar with an `oci-layout` member: one of our archives."""
    try:
        if path.stat().st_size == 0:
            return True
        with tarfile.open(path) as archive:
            return any(member.name == "oci-layout" for member in archive)
    except (OSError, tarfile.TarError):
        return False


def explain(image: Image | Index, previous: Path, form: str) -> list[str]:
    """Where the rebuilt image differs from the earlier build at `previous`.

    With no earlier build to compare with (a clean CI checkout), name the parts
    of the rebuilt image, so they can be compared with the expected image's.
    """
    if not previous.exists():
        return [f"no earlier build at {previous} to compare with", *parts(image)]
    earlier = tarball.read(previous) if form == "tar" else layout.read(previous)
    return diff.explain(earlier, image)


def parts(image: Image | Index) -> list[str]:
    """The digests that make up an image: config and layers, per platform."""
    images = image.images if isinstance(image, Index) else (image,)
    found = []
    for each in images:
        layers = ", ".join(str(layer.digest) for layer in each.layer_descriptors)
        found.append(
            f"rebuilt {each.platform} has config {each.config_descriptor.digest} "
            f"and layer {layers}"
        )
    return found


def describe(built: builder.Built) -> str:
    level = built.program.contract.to_json()["proofLevel"]
    return f"service {built.service}, proof {level}"
