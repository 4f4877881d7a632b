"""Push images to and read them from an OCI distribution registry.

    result = registry.push(image, "localhost:5000/team/hello:1")
    image = registry.read("localhost:5000/team/hello@sha256:...")

Blobs go first (several at once), then each platform's manifest by digest, then
the top manifest by digest and by tag. A manifest is sent only after every blob
it names is confirmed in the repository. A failure or an interruption (Ctrl-C)
cuts the requests still in flight, so the call returns at once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from zigttp.errors import ImageError, RegistryError, UsageError
from zigttp.oci import credentials as credential_sources
from zigttp.oci.credentials import Credentials
from zigttp.oci.descriptor import (
    DOCKER_INDEX,
    DOCKER_MANIFEST,
    IMAGE_MANIFESTS,
    INDEX,
    INDEX_MANIFESTS,
    MANIFEST,
    Descriptor,
)
from zigttp.oci.digest import Digest
from zigttp.oci.image import Image, Index, load
from zigttp.oci.known_blobs import KnownBlobs
from zigttp.oci.reference import Reference
from zigttp.oci.retry import RetryPolicy
from zigttp.oci.transport import DEFAULT_TIMEOUT, PING_SECONDS, Session
from zigttp.oci.upload import DEFAULT_CHUNK_SIZE, BlobOutcome, Uploader
from zigttp.oci.workers import run_each
from zigttp.progress import Progress, Step, silent

__all__ = ["Credentials", "KnownBlobs", "PushResult", "push", "read"]

log = logging.getLogger(__name__)

ACCEPT = ", ".join([MANIFEST, INDEX, DOCKER_MANIFEST, DOCKER_INDEX])


@dataclass(frozen=True)
class PushResult:
    """Where the image went and what happened to each blob on the way."""

    reference: Reference
    digest: Digest
    blobs: tuple[BlobOutcome, ...]
    manifests: tuple[Digest, ...]

    def count(self, outcome: str) -> int:
        return sum(1 for blob in self.blobs if blob.outcome == outcome)


KNOWN = KnownBlobs()


def push(
    item: Image | Index,
    ref: str | Reference,
    *,
    auth: Credentials | None = None,
    progress: Progress = silent,
    insecure: bool = False,
    tls: bool | None = None,
    ca_bundle: Path | None = None,
    timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    ping_seconds: float = PING_SECONDS,
    retry: RetryPolicy | None = None,
    concurrency: int = 3,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    mount_from: Sequence[str] = (),
    known: KnownBlobs = KNOWN,
) -> PushResult:
    """Push `item` to `ref` and return its digest and what each blob needed.

    `auth` defaults to the environment or docker's config.json. `mount_from`
    names sibling repositories that may hold the blobs already. `progress` is
    called from worker threads, with each blob, each manifest and each retry.
    See `Session` for `insecure`, `tls`, `ca_bundle` and the timeouts.
    """
    reference = ref if isinstance(ref, Reference) else Reference.parse(ref)
    if reference.digest is not None and reference.digest != item.digest:
        raise UsageError(
            f"pushing to {reference}: the image's digest is {item.digest}; "
            "drop the @digest or give the matching one"
        )
    credentials = auth or credential_sources.find(reference.registry)
    unused = "" if credentials else credential_sources.unused(reference.registry)

    with Session(
        reference,
        credentials,
        insecure=insecure,
        tls=tls,
        ca_bundle=ca_bundle,
        timeout=timeout,
        ping_seconds=ping_seconds,
        retry=retry,
        progress=progress,
        unused_credentials=unused,
    ) as session:
        session.ping()
        uploader = Uploader(session, reference.repository, progress, chunk_size)
        outcomes = _push_blobs(uploader, item, concurrency, mount_from, known)
        manifests = _push_manifests(session, reference, item, progress)

    for outcome in outcomes:
        known.add(reference.registry, outcome.digest, reference.repository)
    return PushResult(
        reference=replace(reference, digest=item.digest),
        digest=item.digest,
        blobs=tuple(outcomes),
        manifests=tuple(manifests),
    )


def read(
    ref: str | Reference,
    *,
    auth: Credentials | None = None,
    insecure: bool = False,
    tls: bool | None = None,
    ca_bundle: Path | None = None,
    timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    ping_seconds: float = PING_SECONDS,
    retry: RetryPolicy | None = None,
    progress: Progress = silent,
) -> Image | Index:
    """The image or index at `ref`, with its config and layers, every digest checked.

    The options are those of `push`; `progress` hears of retries.
    """
    reference = ref if isinstance(ref, Reference) else Reference.parse(ref)
    credentials = auth or credential_sources.find(reference.registry)
    unused = "" if credentials else credential_sources.unused(reference.registry)
    scopes = (f"repository:{reference.repository}:pull",)

    with Session(
        reference,
        credentials,
        insecure=insecure,
        tls=tls,
        ca_bundle=ca_bundle,
        timeout=timeout,
        ping_seconds=ping_seconds,
        retry=retry,
        progress=progress,
        unused_credentials=unused,
    ) as session:
        session.ping()
        manifest, media_type = _get_manifest(session, reference, scopes)

        def fetch(descriptor: Descriptor) -> bytes:
            if descriptor.media_type in (*IMAGE_MANIFESTS, *INDEX_MANIFESTS):
                return _get_manifest(
                    session, replace(reference, digest=descriptor.digest), scopes
                )[0]
            return _get_blob(session, reference, descriptor, scopes)

        return load(manifest, media_type, fetch)


def _push_blobs(
    uploader: Uploader,
    item: Image | Index,
    concurrency: int,
    mount_from: Sequence[str],
    known: KnownBlobs,
) -> list[BlobOutcome]:
    """Every blob confirmed in the repository, or the first failure raised."""
    registry = uploader.session.reference.registry

    def one(blob: tuple[Digest, bytes]) -> BlobOutcome:
        digest, data = blob
        candidates = [*known.sources(registry, digest), *mount_from]
        return uploader.push(digest, data, mount_from=candidates)

    return run_each(list(item.blobs.items()), one, concurrency, "zigttp-push")


def _push_manifests(
    session: Session, reference: Reference, item: Image | Index, progress: Progress
) -> list[Digest]:
    """Each platform's manifest, then the top one by digest and by tag."""
    children = item.images if isinstance(item, Index) else ()
    pushed = []
    for image in children:
        _put_manifest(
            session, reference, image.digest, image.manifest, image.media_type
        )
        pushed.append(image.digest)

    _put_manifest(session, reference, item.digest, item.manifest, item.media_type)
    pushed.append(item.digest)
    if reference.tag:
        _put_manifest(session, reference, reference.tag, item.manifest, item.media_type)

    progress(Step(f"manifest {item.digest.short} pushed", 1, 1))
    return pushed


def _put_manifest(
    session: Session, reference: Reference, name: str, body: bytes, media_type: str
) -> None:
    digest = Digest.of(body)
    action = f"pushing manifest {digest.short} to {reference.repository}:{name}"
    response = session.request(
        "PUT",
        session.url(f"/v2/{reference.repository}/manifests/{name}"),
        action=action,
        scopes=(f"repository:{reference.repository}:pull,push",),
        expect={200, 201},
        content=body,
        headers={"Content-Type": media_type},
    )

    said = response.headers.get("docker-content-digest")
    if said and said != digest:
        raise RegistryError(
            action,
            response.status_code,
            detail=f"the registry computed {said} for a manifest whose digest is "
            f"{digest}: it changed the bytes we sent",
        )


def _get_manifest(
    session: Session, reference: Reference, scopes: Sequence[str]
) -> tuple[bytes, str]:
    action = f"reading the manifest of {reference}"
    response = session.request(
        "GET",
        session.url(f"/v2/{reference.repository}/manifests/{reference.identifier}"),
        action=action,
        scopes=scopes,
        expect={200},
        headers={"Accept": ACCEPT},
    )

    body = response.content
    actual = Digest.of(body)
    expected = reference.digest or response.headers.get("docker-content-digest")
    if expected and actual != expected:
        raise ImageError(
            f"{action}: its content hashes to {actual}, not {expected}; "
            "the registry or something between us changed it"
        )
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    return body, media_type


def _get_blob(
    session: Session,
    reference: Reference,
    descriptor: Descriptor,
    scopes: Sequence[str],
) -> bytes:
    response = session.request(
        "GET",
        session.url(f"/v2/{reference.repository}/blobs/{descriptor.digest}"),
        action=f"reading blob {descriptor.digest.short} of {reference.repository}",
        scopes=scopes,
        expect={200},
    )
    return response.content
