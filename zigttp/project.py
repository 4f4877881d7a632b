"""What a project is called and where it came from: service name, git source."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from zigttp import git
from zigttp.errors import InputError

MAX_SLUG_LENGTH = 63


def slugify(name: str) -> str:
    """Lowercase; each run of characters outside a-z0-9 becomes one dash."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:MAX_SLUG_LENGTH].strip("-")


@dataclass(frozen=True)
class ServiceName:
    """The slug a project deploys as, and where it was read from."""

    slug: str
    origin: str


def service_name(directory: Path) -> ServiceName:
    """package.json `name`, else the git origin's basename, else the folder name."""
    for origin, raw in _name_candidates(directory):
        if raw is None:
            continue
        slug = slugify(raw)
        if not slug:
            raise InputError(
                f"the project name {raw!r} from {origin} has no letters or digits: "
                "give it a name made of a-z and 0-9"
            )
        return ServiceName(slug, origin)

    raise InputError(f"cannot name the project in {directory}: add package.json")


FROM_DIRECTORY = "the directory name"


def _name_candidates(directory: Path) -> list[tuple[str, str | None]]:
    return [
        ("package.json", _package_json_name(directory / "package.json")),
        ("the git origin remote", _git_origin_basename(directory)),
        (FROM_DIRECTORY, directory.resolve().name),
    ]


def _package_json_name(path: Path) -> str | None:
    if not path.is_file():
        return None

    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else error
        raise InputError(
            f"{path}: cannot read it as JSON ({reason}): fix the file or remove it"
        ) from error

    name = data.get("name") if isinstance(data, dict) else None
    if name is not None and not isinstance(name, str):
        raise InputError(
            f'{path}: "name" must be a string, found {type(name).__name__}'
        )
    return name if name and name.strip() else None


def _git_origin_basename(directory: Path) -> str | None:
    url = _origin_url(directory)
    if not url:
        return None
    path = urlsplit(url).path if "://" in url else url
    base = path.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return base.removesuffix(".git") or None


def _origin_url(directory: Path) -> str | None:
    checkout = git.find(directory)
    return git.remote_url(checkout) if checkout else None


@dataclass(frozen=True)
class GitSource:
    """Where the project's source lives, for the image's source/revision annotations."""

    url: str
    revision: str


def git_source(directory: Path) -> GitSource | None:
    """The origin URL (credentials removed) and HEAD commit, when both exist."""
    checkout = git.find(directory)
    if checkout is None:
        return None
    url = git.remote_url(checkout)
    revision = git.head_revision(checkout)
    if not url or not revision:
        return None
    return GitSource(without_credentials(url), revision)


def without_credentials(url: str) -> str:
    """Drop `user:token@`, a query and a fragment: no secret reaches an annotation."""
    parts = urlsplit(url)
    if not parts.scheme:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=host, query="", fragment=""))
