"""Read released images from the registry with the control plane's own credentials.

Built on the OCI client's session (zigttp.oci.transport), which does the token
dance with our own token endpoint; `zigttp.oci.image.load` checks every blob's
size and digest on the way in.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from zigttp.errors import ControlPlaneError, ImageError, RegistryError, TransportError
from zigttp.oci import descriptor as media
from zigttp.oci.credentials import Credentials
from zigttp.oci.descriptor import Descriptor
from zigttp.oci.digest import Digest
from zigttp.oci.image import Image, Index, load, parse_json
from zigttp.oci.reference import Reference
from zigttp.oci.transport import Session

log = logging.getLogger(__name__)
ACCEPT = ", ".join(
    (media.MANIFEST, media.INDEX, media.DOCKER_MANIFEST, media.DOCKER_INDEX)
)


class ImageStore:
    """Pulls `{repository}@{digest}` from one registry."""

    def __init__(self, registry_url: str, username: str, password: str) -> None:
        self.registry = registry_url.split("://", 1)[-1]
        self.credentials = Credentials(username, password, "control plane")

    def annotations(self, repository: str, digest: str) -> dict[str, str]:
        """The manifest's annotations, or a 4xx saying the image is not pushed."""
        manifest, _kind = self._manifest(repository, digest)
        annotations = parse_json(manifest, "the manifest").get("annotations") or {}
        return {str(key): str(value) for key, value in annotations.items()}

    def pull(self, repository: str, digest: str) -> Image | Index:
        """The image or index, every blob fetched and checked."""
        reference = self._reference(repository, digest)
        with Session(reference, self.credentials) as session:
            session.ping()
            manifest, kind = self._fetch_manifest(session, reference)

            def fetch(descriptor: Descriptor) -> bytes:
                if descriptor.media_type in (
                    *media.IMAGE_MANIFESTS,
                    *media.INDEX_MANIFESTS,
                ):
                    return self._get(
                        session, reference, f"manifests/{descriptor.digest}"
                    )
                return self._get(session, reference, f"blobs/{descriptor.digest}")

            return load(manifest, kind, fetch)

    def release_image(self, repository: str, digest: str) -> Image | Index:
        """`pull` for a release request: failures are 4xx/5xx answers."""
        with _answers(repository, digest):
            try:
                return self.pull(repository, digest)
            except ImageError as error:
                raise ControlPlaneError(
                    "release", 409, "invalid_image", str(error)
                ) from error

    def _manifest(self, repository: str, digest: str) -> tuple[bytes, str]:
        reference = self._reference(repository, digest)
        with (
            _answers(repository, digest),
            Session(reference, self.credentials) as session,
        ):
            session.ping()
            return self._fetch_manifest(session, reference)

    def _fetch_manifest(
        self, session: Session, reference: Reference
    ) -> tuple[bytes, str]:
        response = session.request(
            "GET",
            session.url(f"/v2/{reference.repository}/manifests/{reference.digest}"),
            action=f"reading the manifest of {reference}",
            scopes=[f"repository:{reference.repository}:pull"],
            expect={200},
            headers={"Accept": ACCEPT},
        )
        data = response.content
        if reference.digest is None or Digest.of(data) != reference.digest:
            raise ControlPlaneError(
                "release",
                502,
                "registry_error",
                f"the registry answered {reference} with a manifest of another digest",
            )
        return data, response.headers.get("content-type", "")

    def _get(self, session: Session, reference: Reference, path: str) -> bytes:
        response = session.request(
            "GET",
            session.url(f"/v2/{reference.repository}/{path}"),
            action=f"pulling {path} of {reference.repository}",
            scopes=[f"repository:{reference.repository}:pull"],
            expect={200},
            headers={"Accept": ACCEPT},
        )
        return response.content

    def _reference(self, repository: str, digest: str) -> Reference:
        return Reference.parse(f"{self.registry}/{repository}@{digest}")


@contextmanager
def _answers(repository: str, digest: str) -> Iterator[None]:
    """Registry failures while serving a release, as the answers the API gives."""
    try:
        yield
    except RegistryError as error:
        if error.status == 404:
            raise ControlPlaneError(
                "release",
                404,
                "image_not_found",
                f"{repository}@{digest} is not in the registry; push it first",
            ) from error
        raise ControlPlaneError(
            "release", 502, "registry_error", f"reading the image: {error}"
        ) from error
    except TransportError as error:
        raise ControlPlaneError(
            "release", 502, "registry_unreachable", str(error)
        ) from error
