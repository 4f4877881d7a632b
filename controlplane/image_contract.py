"""The contract a released image really carries: the one inside its handler binary.

The manifest's `dev.zigttp.contract.sha256` annotation is written by the client,
so anyone holding push credentials can stamp any hash on an image. The contract
the runtime enforces is the one appended to the binary (zigttp.toolchain.payload),
so that one is read back (the binary is only read, never run) and compared with
the project's approved contract before a release may run.

What this does not prove: that the entrypoint is zigttp's runtime at all. A
binary built some other way can carry an approved payload and ignore it; the
review is about what zigttp handlers may do, not a sandbox for any program.
"""

from __future__ import annotations

import hashlib

from zigttp.controlplane.providers import unpack
from zigttp.errors import ControlPlaneError, ImageError, ToolchainError
from zigttp.oci.image import Image, Index
from zigttp.toolchain import payload


def check(item: Image | Index, project: str, approved_sha: str | None) -> None:
    """Refuse (409) unless every platform's binary carries the approved contract."""
    images = item.images if isinstance(item, Index) else (item,)
    for image in images:
        carried = embedded_sha256(image)
        if carried != approved_sha:
            raise _not_approved(
                f"the handler binary for {image.platform} carries contract "
                f"{carried}, but the approved contract of {project} is "
                f"{approved_sha}; deploy it through a session"
            )


def embedded_sha256(image: Image) -> str:
    """The sha256 of the contract in the payload of the image's entrypoint binary."""
    try:
        command = unpack.entrypoint(image)
        binary = unpack.read_file(image, command[0])
        found = payload.unpack(binary)
    except (ImageError, ToolchainError) as error:
        raise _not_approved(
            f"the image's contract cannot be read from its binary ({error}); "
            "build the image with `zigttp deploy`"
        ) from None
    return hashlib.sha256(found.contract).hexdigest()


def _not_approved(problem: str) -> ControlPlaneError:
    return ControlPlaneError("release", 409, "contract_not_approved", problem)
