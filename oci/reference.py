"""Image references: `registry[:port]/repository[:tag][@sha256:...]`."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from zigttp.errors import ImageError, UsageError
from zigttp.oci.digest import Digest

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REPOSITORY = re.compile(rf"{_COMPONENT}(?:/{_COMPONENT})*")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
_HOST = re.compile(
    r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)(?::[0-9]{1,5})?"
)


@dataclass(frozen=True)
class Reference:
    """Where an image lives in a registry, and which tag or digest names it."""

    registry: str
    repository: str
    tag: str | None = None
    digest: Digest | None = None

    @classmethod
    def parse(cls, text: str) -> Reference:
        """Read a reference; the registry host is required, there is no default."""
        rest, digest = _split_digest(text.strip(), text)
        if "/" not in rest:
            raise _invalid(text, "it names no registry host")

        registry, path = rest.split("/", 1)
        if not _looks_like_host(registry):
            raise _invalid(text, f"{registry!r} is not a registry host")

        tag = None
        last_slash = path.rfind("/")
        if ":" in path[last_slash + 1 :]:
            path, tag = path.rsplit(":", 1)
            if not _TAG.fullmatch(tag):
                raise _invalid(text, f"tag {tag!r} is not valid")

        if not _REPOSITORY.fullmatch(path) or len(path) > 255:
            raise _invalid(
                text,
                f"repository {path!r} must be lowercase letters, digits, "
                "and '.', '_', '-' or '/' between them",
            )
        if tag is None and digest is None:
            tag = "latest"
        return cls(registry=registry, repository=path, tag=tag, digest=digest)

    @property
    def identifier(self) -> str:
        """What goes after /manifests/: the digest when there is one, else the tag."""
        return str(self.digest) if self.digest else str(self.tag)

    @property
    def host(self) -> str:
        """The registry host without its port (and without IPv6 brackets)."""
        if self.registry.startswith("["):
            return self.registry[1:].split("]", 1)[0]
        return (
            self.registry.rsplit(":", 1)[0] if ":" in self.registry else self.registry
        )

    @property
    def is_loopback(self) -> bool:
        return is_loopback(self.host)

    def in_repository(self, repository: str) -> Reference:
        """The same registry, another repository (for cross-repository mounts)."""
        return Reference(self.registry, repository, self.tag, self.digest)

    def __str__(self) -> str:
        text = f"{self.registry}/{self.repository}"
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1: the only hosts plain HTTP is for."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _split_digest(text: str, original: str) -> tuple[str, Digest | None]:
    if "@" not in text:
        return text, None
    rest, digest_text = text.rsplit("@", 1)
    if not digest_text.startswith("sha256:"):
        raise _invalid(original, "only sha256 digests are supported after '@'")
    try:
        return rest, Digest(digest_text)
    except ImageError:
        raise _invalid(original, "the digest is not sha256:<64 hex digits>") from None


def _looks_like_host(component: str) -> bool:
    """A first path part names a host when it has a dot, a port, or is localhost."""
    if not _HOST.fullmatch(component):
        return False
    return "." in component or ":" in component or component == "localhost"


def _invalid(text: str, problem: str) -> UsageError:
    return UsageError(
        f"image reference {text!r} is not valid: {problem}; "
        "write it as host[:port]/repository[:tag], e.g. localhost:5000/team/hello:1"
    )
