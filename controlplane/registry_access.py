"""Who may do what in the registry: the token endpoint's decisions.

Session credentials reach only `{namespace}/*` and only until they expire; the
control plane's own puller reads any repository. Scopes outside what a caller
may do are not refused outright: they come back with no actions, which is how
the registry token protocol says "not for you".
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from zigttp import atomic
from zigttp.controlplane import secret
from zigttp.controlplane.models import RegistryCredential
from zigttp.controlplane.registry_auth import Access
from zigttp.errors import ControlPlaneError

log = logging.getLogger(__name__)
PULLER = "zigttp-control-plane"
PUSH_ACTIONS = frozenset({"push", "pull"})


def puller_password(folder: Path) -> str:
    """The control plane's own registry password, made once and kept 0600."""
    path = folder / "puller-password"
    if not path.exists():
        atomic.write_bytes(path, secret.new_secret().encode(), mode=0o600)
    return path.read_text().strip()


def basic_credentials(header: str | None) -> tuple[str, str]:
    """(username, password) from an Authorization: Basic header, or a 401."""
    if not header or not header.lower().startswith("basic "):
        raise _refused("send the session's registry credentials as Basic auth")
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise _refused("the Basic credentials are not valid base64") from None
    username, colon, password = decoded.partition(":")
    if not colon:
        raise _refused("the Basic credentials have no ':'")
    return username, password


def allowed(
    session: Session,
    username: str,
    password: str,
    wanted: list[Access],
    puller_secret: str,
) -> tuple[str, list[Access], float]:
    """(subject, granted access, credential expiry) for these credentials."""
    if username == PULLER:
        if not hmac.compare_digest(password, puller_secret):
            raise _refused("wrong credentials")
        granted = [
            Access(a.name, tuple(x for x in a.actions if x == "pull")) for a in wanted
        ]
        return PULLER, granted, time.time() + 3600

    credential = session.scalar(
        select(RegistryCredential).where(RegistryCredential.username == username)
    )
    if credential is None or not secret.same(password, credential.password_hash):
        raise _refused("wrong credentials")
    if credential.expires_at <= time.time():
        raise _refused("these registry credentials expired; open a new deploy session")

    prefix = f"{credential.namespace}/"
    granted = []
    for access in wanted:
        actions: tuple[str, ...] = ()
        if access.name.startswith(prefix):
            actions = tuple(a for a in access.actions if a in PUSH_ACTIONS)
        granted.append(Access(access.name, actions))
    return credential.username, granted, credential.expires_at


def _refused(problem: str) -> ControlPlaneError:
    return ControlPlaneError("issue a registry token", 401, "unauthorized", problem)
