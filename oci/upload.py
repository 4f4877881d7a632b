"""Blobs into one repository: check, mount from a sibling, or upload.

An upload is one unit: a fresh session (`POST`), then the bytes in one `PUT` or
in `PATCH` chunks closed by a `PUT`. The steps inside a session are never
repeated on their own; when one fails the whole upload starts again from a new
session, a bounded number of times. `Location` headers are opaque: resolved
against the URL of the answer that carried them, never taken apart.
"""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import httpx

from zigttp.errors import (
    RegistryAuthError,
    RegistryError,
    TransportError,
    UsageError,
    ZigttpError,
)
from zigttp.oci.digest import Digest
from zigttp.oci.retry import gave_up
from zigttp.oci.transport import Session
from zigttp.progress import Progress, Step

log = logging.getLogger(__name__)

Outcome = Literal["skipped", "mounted", "uploaded"]
OCTETS = "application/octet-stream"
DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024
_EXISTS = frozenset({200, 301, 302, 303, 307, 308})


@dataclass(frozen=True)
class BlobOutcome:
    """What happened to one blob: skipped (there already), mounted, or uploaded."""

    digest: Digest
    size: int
    outcome: Outcome
    source: str = ""


class Uploader:
    """Pushes blobs into `repository` through `session`, reporting progress."""

    def __init__(
        self,
        session: Session,
        repository: str,
        progress: Progress,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> None:
        if chunk_size <= 0:
            raise UsageError(f"chunk size {chunk_size} is not a positive byte count")
        self.session = session
        self.repository = repository
        self.progress = progress
        self.chunk_size = chunk_size
        self.scopes = (f"repository:{repository}:pull,push",)

    def push(
        self, digest: Digest, data: bytes, mount_from: Sequence[str] = ()
    ) -> BlobOutcome:
        """Make sure the repository has the blob; say how it got there.

        `mount_from` lists repositories that may hold it, best first; only the
        first one other than ours is tried, as a refused mount opens an upload.
        """
        if self.exists(digest):
            return self._done(digest, len(data), "skipped")

        location = None
        source = next((name for name in mount_from if name != self.repository), "")
        if source:
            mounted, location = self._mount(digest, source)
            if mounted:
                return self._done(digest, len(data), "mounted", source)

        self._upload(digest, data, location)
        return self._done(digest, len(data), "uploaded")

    def exists(self, digest: Digest) -> bool:
        """HEAD the blob. A redirect counts as present: the registry knows where."""
        response = self.session.request(
            "HEAD",
            self._path(f"blobs/{digest}"),
            action=f"checking blob {digest.short} in {self.repository}",
            scopes=self.scopes,
            expect=_EXISTS | {404},
            follow_redirects=False,
        )
        return response.status_code != 404

    def _mount(self, digest: Digest, source: str) -> tuple[bool, httpx.URL | None]:
        """Ask for a cross-repository mount; a refusal may still open a session."""
        query = urllib.parse.urlencode({"mount": str(digest), "from": source})
        try:
            response = self.session.request(
                "POST",
                self._path(f"blobs/uploads/?{query}"),
                action=f"mounting blob {digest.short} from {source}",
                scopes=(*self.scopes, f"repository:{source}:pull"),
                expect={201, 202},
            )
        except RegistryAuthError as error:
            log.info("no mount from %s (%s); uploading instead", source, error)
            return False, None

        if response.status_code == 201:
            return True, None
        return False, _location(response)

    def _upload(self, digest: Digest, data: bytes, location: httpx.URL | None) -> None:
        """Send the bytes; when sending breaks, start over in a fresh session."""
        policy = self.session.retry
        for attempt in range(1, policy.tries + 1):
            session_url = location or self._start(digest)
            try:
                if len(data) > self.chunk_size:
                    self._send_chunks(session_url, digest, data)
                else:
                    self._send_whole(session_url, digest, data)
                return
            except (TransportError, RegistryError) as error:
                retryable = isinstance(error, TransportError) or error.retryable
                if not retryable or self.session.stopped.is_set():
                    raise
                if attempt == policy.tries:
                    raise _tried(error, policy.tries) from error
                wait = policy.delay(attempt)
                what = f"the upload of blob {digest.short} broke ({error})"
                policy.announce(self.session.report, what, wait, attempt)
                policy.pause(wait, self.session.stopped)
                location = None

    def _start(self, digest: Digest) -> httpx.URL:
        response = self.session.request(
            "POST",
            self._path("blobs/uploads/"),
            action=f"starting the upload of blob {digest.short} to {self.repository}",
            scopes=self.scopes,
            expect={202},
        )
        return _location(response)

    def _send_whole(self, location: httpx.URL, digest: Digest, data: bytes) -> None:
        response = self.session.request(
            "PUT",
            _with_digest(location, digest),
            action=f"uploading blob {digest.short} to {self.repository}",
            scopes=self.scopes,
            expect={201},
            content=data,
            headers={"Content-Type": OCTETS},
            retry=False,
        )
        _check_digest(response, digest, f"uploading blob {digest.short}")

    def _send_chunks(self, location: httpx.URL, digest: Digest, data: bytes) -> None:
        action = f"uploading blob {digest.short} to {self.repository}"
        for start in range(0, len(data), self.chunk_size):
            chunk = data[start : start + self.chunk_size]
            response = self.session.request(
                "PATCH",
                location,
                action=action,
                scopes=self.scopes,
                expect={202},
                content=chunk,
                headers={
                    "Content-Type": OCTETS,
                    "Content-Range": f"{start}-{start + len(chunk) - 1}",
                },
                retry=False,
            )
            location = _location(response, fallback=location)
            done = start + len(chunk)
            self.progress(Step(f"blob {digest.short} uploading", done, len(data)))

        response = self.session.request(
            "PUT",
            _with_digest(location, digest),
            action=action,
            scopes=self.scopes,
            expect={201},
            headers={"Content-Type": OCTETS},
            retry=False,
        )
        _check_digest(response, digest, action)

    def _done(
        self, digest: Digest, size: int, outcome: Outcome, source: str = ""
    ) -> BlobOutcome:
        label = f"blob {digest.short} {outcome}" + (f" from {source}" if source else "")
        self.progress(Step(label, size, size))
        return BlobOutcome(digest, size, outcome, source)

    def _path(self, rest: str) -> httpx.URL:
        return self.session.url(f"/v2/{self.repository}/{rest}")


def _tried(error: TransportError | RegistryError, tries: int) -> ZigttpError:
    """The last failure of an upload, saying the upload was tried `tries` times."""
    if isinstance(error, TransportError):
        return TransportError(error.action, error.url, gave_up(error.reason, tries))
    detail = "; ".join(
        part for part in (f"gave up after {tries} tries", error.detail) if part
    )
    return RegistryError(error.action, error.status, error.codes, detail, True)


def _location(response: httpx.Response, fallback: httpx.URL | None = None) -> httpx.URL:
    """The upload session's URL, relative to the answer that named it."""
    location = response.headers.get("location")
    if location:
        return response.url.join(location)
    if fallback is not None:
        return fallback
    raise RegistryError(
        f"{response.request.method} {response.url}",
        response.status_code,
        detail="the answer has no Location header for the upload session",
    )


def _with_digest(location: httpx.URL, digest: Digest) -> httpx.URL:
    """`digest=` added to the session URL as is: `&` when it has a query already."""
    text = str(location)
    separator = "&" if "?" in text else "?"
    # A Digest is "sha256:" and hex only: nothing in it needs escaping.
    return httpx.URL(f"{text}{separator}digest={digest}")


def _check_digest(response: httpx.Response, digest: Digest, action: str) -> None:
    """Missing is fine (we know what we sent); present and different is not."""
    said = response.headers.get("docker-content-digest")
    if said and said != digest:
        raise RegistryError(
            action,
            response.status_code,
            detail=f"the registry stored {said} for content whose digest is {digest}",
        )
