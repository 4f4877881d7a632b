"""Images on disk, named PATH or PATH:TAG: an image layout folder or an OCI archive.

`zigttp push` and `zigttp inspect` take either an image on disk or a registry
reference; a layout holding several tagged images is read one tag at a time, as
`multi:v1`, the form skopeo's `oci:` transport uses too.
"""

from __future__ import annotations

from pathlib import Path

from zigttp.errors import ImageError
from zigttp.oci import layout, tarball
from zigttp.oci.image import Image, Index


def find(text: str) -> tuple[Path, str | None] | None:
    """The path and tag `text` names on disk, or None if it names nothing there.

    A path that exists is taken whole, colons and all; otherwise a last `:TAG`
    is split off when what is left exists.
    """
    whole = Path(text)
    if text and whole.exists():
        return whole, None

    before, colon, tag = text.rpartition(":")
    if colon and before and layout.TAG.fullmatch(tag) and Path(before).exists():
        return Path(before), tag
    return None


def read(path: Path, tag: str | None = None) -> Image | Index:
    """The image tagged `tag` (or the only one) in a layout folder or archive."""
    if path.is_dir():
        return layout.read(path, tag)
    if path.is_file():
        return tarball.read(path, tag)
    raise ImageError(
        f"reading {path}: it is neither an image layout folder nor an OCI archive"
    )
