"""The dev stack: control plane, a real registry and the local provider, in one go.

Ports are remembered in the data dir (dev.json), so a restart keeps the URLs the
services and deploy state already point at.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from zigttp import atomic
from zigttp.controlplane import accounts, registry_process, server
from zigttp.controlplane.config import Settings
from zigttp.controlplane.models import Account
from zigttp.controlplane.plane import ControlPlane
from zigttp.controlplane.providers.runner import free_port

log = logging.getLogger(__name__)
DEV_EMAIL = "dev@localhost"


@dataclass(frozen=True)
class Started:
    """What the person starting the stack needs to see."""

    url: str
    registry_host: str
    first_token: str | None
    email: str
    runtime: str


def registry_port(data_dir: Path, wanted: int | None) -> int:
    """The registry port: as asked, else as remembered, else a free one (remembered)."""
    path = data_dir / "dev.json"
    remembered = json.loads(path.read_text()) if path.exists() else {}
    port = wanted or int(remembered.get("registryPort") or 0) or free_port()
    if remembered.get("registryPort") != port:
        data_dir.mkdir(parents=True, exist_ok=True)
        remembered["registryPort"] = port
        atomic.write_bytes(path, json.dumps(remembered).encode(), mode=0o600)
    return port


def run(settings: Settings, on_started: Callable[[Started], None]) -> None:
    """Start everything, call `on_started`, serve until a signal, stop everything."""
    listener = server.listen(settings.host, settings.port)
    plane = ControlPlane.open(settings)
    registry = None
    try:
        folder = settings.data_dir / "registry"
        config = registry_process.write_config(settings, plane.issuer, folder)
        registry = registry_process.RegistryProcess(
            config, settings.registry_host, folder / "registry.log"
        )
        first_token = _first_token(plane)
        runtime = "runc" if getattr(plane.provider, "runc_root", None) else "process"
        started = Started(
            url=settings.public_url,
            registry_host=settings.registry_host,
            first_token=first_token,
            email=DEV_EMAIL,
            runtime=runtime,
        )
        server.run(plane, listener, lambda: on_started(started))
    finally:
        listener.close()
        plane.close()
        if registry is not None:
            registry.stop()


def _first_token(plane: ControlPlane) -> str | None:
    """A token for the dev account when the database has no account yet."""
    with plane.database.transaction() as session:
        if session.scalar(select(func.count()).select_from(Account)):
            return None
        account = accounts.account_for(session, DEV_EMAIL)
        return accounts.create_token(session, account, "first dev start")
