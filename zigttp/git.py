"""Read a git checkout's origin URL and HEAD commit from its files, without git.

Running git in a checkout owned by someone else is refused ("dubious
ownership"), which silently changed image annotations and service names, and a
repository's config can make git run programs. Two facts need neither: they are
plain files under .git.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")
_SECTION = re.compile(r'\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]\s*$')
_ENTRY = re.compile(r"\s*([A-Za-z][A-Za-z0-9-]*)\s*=\s*(.*?)\s*$")
MAX_FILE_BYTES = 1 << 20


@dataclass(frozen=True)
class Checkout:
    """Where a checkout keeps its own files and the ones its worktrees share."""

    git_dir: Path
    common_dir: Path


def find(start: Path) -> Checkout | None:
    """The checkout `start` lies in, looking upwards; None outside any."""
    for folder in (start.absolute(), *start.absolute().parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return _checkout(dot_git)
        if dot_git.is_file():
            pointed = _read(dot_git).strip()
            if pointed.startswith("gitdir:"):
                target = Path(pointed.removeprefix("gitdir:").strip())
                return _checkout(target if target.is_absolute() else folder / target)
            return None
    return None


def _checkout(git_dir: Path) -> Checkout:
    common = _read(git_dir / "commondir").strip()
    common_dir = (git_dir / common) if common else git_dir
    return Checkout(git_dir, common_dir)


def head_revision(checkout: Checkout) -> str | None:
    """The commit HEAD names, through a branch ref or packed-refs; None if unborn."""
    head = _read(checkout.git_dir / "HEAD").strip()
    if _SHA.fullmatch(head):
        return head
    if not head.startswith("ref:"):
        return None

    ref = head.removeprefix("ref:").strip()
    for folder in (checkout.git_dir, checkout.common_dir):
        loose = _read(folder / ref).strip()
        if _SHA.fullmatch(loose):
            return loose
    return _packed_ref(checkout.common_dir / "packed-refs", ref)


def _packed_ref(path: Path, ref: str) -> str | None:
    for line in _read(path).splitlines():
        sha, _, name = line.partition(" ")
        if name.strip() == ref and _SHA.fullmatch(sha):
            return sha
    return None


def remote_url(checkout: Checkout, remote: str = "origin") -> str | None:
    """`remote.<name>.url` from the checkout's config file."""
    section = None
    for line in _read(checkout.common_dir / "config").splitlines():
        if line.lstrip().startswith(("#", ";")):
            continue
        header = _SECTION.match(line)
        if header:
            section = (header.group(1).lower(), header.group(2))
            continue
        entry = _ENTRY.match(line)
        if entry and section == ("remote", remote) and entry.group(1).lower() == "url":
            return _unquote(entry.group(2)) or None
    return None


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def _read(path: Path) -> str:
    """A small text file's content, or "" when it is missing or unreadable."""
    try:
        with path.open("rb") as file:
            return file.read(MAX_FILE_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return ""
