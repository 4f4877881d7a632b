"""Media types, platforms and descriptors: how one OCI object points at another."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zigttp.errors import ImageError, UsageError
from zigttp.oci.digest import Digest

MANIFEST = "application/vnd.oci.image.manifest.v1+json"
INDEX = "application/vnd.oci.image.index.v1+json"
CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd"
LAYER_TAR = "application/vnd.oci.image.layer.v1.tar"

# Docker's schema 2 types: other tools' images may use them, and we read them alike.
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_INDEX = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip"

IMAGE_MANIFESTS = (MANIFEST, DOCKER_MANIFEST)
INDEX_MANIFESTS = (INDEX, DOCKER_INDEX)

# Only these two: the runtime is built for them and nothing else.
_SUPPORTED_PLATFORMS = {
    "linux/amd64": ("linux", "amd64", ""),
    "linux/arm64": ("linux", "arm64", "v8"),
    "linux/arm64/v8": ("linux", "arm64", "v8"),
}


@dataclass(frozen=True)
class Platform:
    """Where an image runs: os, architecture and, for arm64, the variant."""

    os: str
    architecture: str
    variant: str = ""

    @classmethod
    def parse(cls, text: str) -> Platform:
        """Read "linux/amd64" or "linux/arm64" (the arm64 variant is v8)."""
        known = _SUPPORTED_PLATFORMS.get(text.strip().lower())
        if known is None:
            supported = ", ".join(sorted(_SUPPORTED_PLATFORMS)[:2])
            raise UsageError(
                f"platform {text!r} is not supported: use one of {supported}"
            )
        return cls(*known)

    @classmethod
    def from_json(cls, value: Any) -> Platform:
        if not isinstance(value, dict):
            raise ImageError(f"reading a platform: expected an object, found {value!r}")
        return cls(
            os=str(value.get("os", "")),
            architecture=str(value.get("architecture", "")),
            variant=str(value.get("variant", "")),
        )

    def to_json(self) -> dict[str, str]:
        value = {"architecture": self.architecture, "os": self.os}
        if self.variant:
            value["variant"] = self.variant
        return value

    def __str__(self) -> str:
        parts = [self.os, self.architecture] + ([self.variant] if self.variant else [])
        return "/".join(parts)


@dataclass(frozen=True)
class Descriptor:
    """A pointer to a blob: its media type, digest and size, plus optional facts."""

    media_type: str
    digest: Digest
    size: int
    platform: Platform | None = None
    annotations: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        media_type: str,
        data: bytes,
        platform: Platform | None = None,
        annotations: dict[str, str] | None = None,
    ) -> Descriptor:
        """The descriptor of exactly these bytes."""
        return cls(media_type, Digest.of(data), len(data), platform, annotations or {})

    @classmethod
    def from_json(cls, value: Any, where: str) -> Descriptor:
        """Read a descriptor object; `where` names it in error messages."""
        if not isinstance(value, dict):
            raise ImageError(f"reading {where}: expected a descriptor, found {value!r}")

        size = value.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise ImageError(f"reading {where}: size {size!r} is not a whole number")

        annotations = value.get("annotations") or {}
        if not isinstance(annotations, dict):
            raise ImageError(f"reading {where}: annotations are not an object")

        platform = value.get("platform")
        return cls(
            media_type=str(value.get("mediaType", "")),
            digest=Digest(str(value.get("digest", ""))),
            size=size,
            platform=Platform.from_json(platform) if platform is not None else None,
            annotations={str(k): str(v) for k, v in annotations.items()},
        )

    def to_json(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "digest": str(self.digest),
            "mediaType": self.media_type,
            "size": self.size,
        }
        if self.platform is not None:
            value["platform"] = self.platform.to_json()
        if self.annotations:
            value["annotations"] = dict(self.annotations)
        return value

    def check(self, data: bytes, where: str) -> bytes:
        """Return `data` when its size and digest match; raise ImageError if not."""
        if len(data) != self.size:
            raise ImageError(
                f"reading {where} {self.digest}: expected {self.size} bytes, "
                f"found {len(data)}: the image is damaged, build or pull it again"
            )
        actual = Digest.of(data)
        if actual != self.digest:
            raise ImageError(
                f"reading {where} {self.digest}: its content hashes to {actual}: "
                "the image is damaged, build or pull it again"
            )
        return data
