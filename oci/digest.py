"""Content digests: "sha256:<hex>", the name of every blob and manifest."""

from __future__ import annotations

import hashlib
import re

from zigttp.errors import ImageError

_PATTERN = re.compile(r"sha256:[0-9a-f]{64}")


class Digest(str):
    """A validated "sha256:<64 lowercase hex>" string.

    It is a `str`, so it compares equal to its text and goes into JSON as is.
    """

    __slots__ = ()

    def __new__(cls, text: str) -> Digest:
        if not _PATTERN.fullmatch(text):
            raise ImageError(
                f"reading a digest: {text[:80]!r} is not sha256:<64 hex digits>; "
                "only sha256 digests are supported"
            )
        return super().__new__(cls, text)

    @classmethod
    def of(cls, data: bytes) -> Digest:
        """The digest of exactly these bytes."""
        return cls("sha256:" + hashlib.sha256(data).hexdigest())

    @property
    def algorithm(self) -> str:
        return "sha256"

    @property
    def hex(self) -> str:
        return self[len("sha256:") :]

    @property
    def short(self) -> str:
        """The first 12 hex digits, for lines people read."""
        return self.hex[:12]
