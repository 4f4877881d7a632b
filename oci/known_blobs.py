"""Which repositories hold which blobs, so a push can mount instead of upload."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

from zigttp import atomic, canonical
from zigttp.errors import ImageError
from zigttp.oci.digest import Digest

log = logging.getLogger(__name__)

MAX_BLOBS = 2000
MAX_PLACES = 8


class KnownBlobs:
    """Registry and repositories where each blob was last seen pushed.

    A blob pushed to one repository can be mounted into the next instead of
    uploaded again. Thread-safe. `load` and `save` keep the knowledge between
    runs; it holds only host and repository names, never credentials.
    """

    def __init__(self) -> None:
        self._where: dict[tuple[str, Digest], list[str]] = {}
        self._lock = threading.Lock()

    def add(self, registry: str, digest: Digest, repository: str) -> None:
        with self._lock:
            places = self._where.pop((registry, digest), [])
            if repository in places:
                places.remove(repository)
            self._where[(registry, digest)] = [repository, *places][:MAX_PLACES]

    def sources(self, registry: str, digest: Digest) -> list[str]:
        with self._lock:
            return list(self._where.get((registry, digest), []))

    @classmethod
    def load(cls, path: Path) -> KnownBlobs:
        """What an earlier run saved at `path`; empty when missing or unreadable."""
        known = cls()
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            log.debug("no blob locations from %s: %s", path, error)
            return known

        for entry in entries if isinstance(entries, list) else []:
            try:
                key = (str(entry["registry"]), Digest(entry["digest"]))
                known._where[key] = [str(repo) for repo in entry["repositories"]]
            except (KeyError, TypeError, ImageError) as error:
                log.debug("skipping a blob location entry: %s", error)
        return known

    def save(self, path: Path) -> None:
        """Keep the most recently pushed MAX_BLOBS entries at `path`, atomically."""
        with self._lock:
            recent = list(self._where.items())[-MAX_BLOBS:]
        entries = [
            {"registry": registry, "digest": str(digest), "repositories": places}
            for (registry, digest), places in recent
        ]
        atomic.write_bytes(path, canonical.dumps(entries))
