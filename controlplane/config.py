"""The control plane's settings: defaults, environment overrides and test knobs.

Every knob has an environment variable so tests (and operators) can change it
without touching code:

    ZIGTTP_CP_DATABASE_URL        SQLAlchemy URL (default: SQLite file in the data dir)
    ZIGTTP_CP_REGIONS             comma-separated region names (us-central,eu-west)
    ZIGTTP_CP_CREDENTIAL_SECONDS  lifetime of deploy-session registry credentials (900)
    ZIGTTP_CP_PLAN_EXPIRY_SECONDS how long a review plan stays pending (86400)
    ZIGTTP_CP_HEALTH_TIMEOUT      seconds a release has to answer HTTP (180)
    ZIGTTP_CP_DEVICE_INTERVAL     device-login poll interval in seconds (5)
    ZIGTTP_CP_RUNTIME             how the local provider runs images: auto|runc|process
    ZIGTTP_CP_HOSTING_PLAN        the hosting plan reported in sessions (local-dev)
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from zigttp.controlplane import addresses
from zigttp.errors import UsageError

DEFAULT_PORT = 8700
# Longer than `zigttp deploy` waits for ready (120 s): a release that never
# answers is the client's "not ready in time" (exit 3) while it is still
# starting here, and only a release that exits is reported failed (exit 4).
DEFAULT_HEALTH_TIMEOUT = 180
DEFAULT_REGIONS = ("us-central", "eu-west")
RUNTIMES = ("auto", "runc", "process")
_REGION = re.compile(r"[a-z][a-z0-9-]{0,30}")


@dataclass(frozen=True)
class Settings:
    """Everything the server needs to know before it starts."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    database_url: str = ""
    regions: tuple[str, ...] = DEFAULT_REGIONS
    registry_host: str = ""
    registry_service: str = "zigttp-registry"
    token_issuer: str = "zigttp-control-plane"
    credential_seconds: int = 900
    registry_token_seconds: int = 300
    plan_expiry_seconds: int = 86400
    health_timeout: float = float(DEFAULT_HEALTH_TIMEOUT)
    device_interval: int = 5
    device_expiry_seconds: int = 600
    hosting_plan: str = "local-dev"
    runtime: str = "auto"
    max_body_bytes: int = 1 << 20
    max_proxy_body_bytes: int = 16 << 20

    @property
    def public_url(self) -> str:
        """Where people and the CLI reach this server."""
        return f"http://{addresses.url_host(self.host)}:{self.port}"

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'control-plane.db'}"

    @property
    def registry_url(self) -> str:
        """Where the control plane itself pulls images from."""
        return f"http://{self.registry_host}"

    @property
    def token_realm(self) -> str:
        return f"{self.public_url}/v1/registry/token"

    def with_registry(self, host: str) -> Settings:
        return replace(self, registry_host=host)


def from_environment(
    data_dir: Path,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    environ: Mapping[str, str] = os.environ,
    allow_remote: bool = False,
) -> Settings:
    """Settings for `data_dir`, with the ZIGTTP_CP_* variables applied.

    `host` must be a loopback address unless `allow_remote` is set.
    """
    host = addresses.listen_host(host, "--host", allow_remote)
    regions = _regions(environ.get("ZIGTTP_CP_REGIONS", ""))
    runtime = environ.get("ZIGTTP_CP_RUNTIME", "auto").strip() or "auto"
    if runtime not in RUNTIMES:
        raise UsageError(
            f"ZIGTTP_CP_RUNTIME={runtime!r} is not known: use one of "
            f"{', '.join(RUNTIMES)}"
        )

    return Settings(
        data_dir=data_dir.expanduser().absolute(),
        host=host,
        port=port,
        database_url=environ.get("ZIGTTP_CP_DATABASE_URL", ""),
        regions=regions,
        credential_seconds=_seconds(environ, "ZIGTTP_CP_CREDENTIAL_SECONDS", 900),
        plan_expiry_seconds=_seconds(environ, "ZIGTTP_CP_PLAN_EXPIRY_SECONDS", 86400),
        health_timeout=float(
            _seconds(environ, "ZIGTTP_CP_HEALTH_TIMEOUT", DEFAULT_HEALTH_TIMEOUT)
        ),
        device_interval=_seconds(environ, "ZIGTTP_CP_DEVICE_INTERVAL", 5),
        hosting_plan=environ.get("ZIGTTP_CP_HOSTING_PLAN", "local-dev") or "local-dev",
        runtime=runtime,
    )


def _regions(raw: str) -> tuple[str, ...]:
    if not raw.strip():
        return DEFAULT_REGIONS

    names = tuple(part.strip() for part in raw.split(",") if part.strip())
    bad = [name for name in names if not _REGION.fullmatch(name)]
    if bad or not names:
        raise UsageError(
            f"ZIGTTP_CP_REGIONS={raw!r} has invalid names {bad}: use lowercase "
            "names such as us-central,eu-west"
        )
    return names


def _seconds(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise UsageError(f"{name}={raw!r} is not a positive whole number of seconds")
    return int(raw)
