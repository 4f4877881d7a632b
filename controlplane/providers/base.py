"""The provider interface: what the control plane asks of whatever runs services."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

PENDING, READY, FAILED = "pending", "ready", "failed"


@dataclass(frozen=True)
class Deployment:
    """One release of one service: which image, under which name, with which env."""

    service_id: str
    release_id: str
    hostname: str
    repository: str
    digest: str
    env: Mapping[str, str] = field(repr=False)


@dataclass(frozen=True)
class Status:
    """What a provider knows about a service's newest release."""

    state: str
    release_id: str
    message: str = ""
    log_tail: tuple[str, ...] = ()


class Provider(Protocol):
    """Runs releases; every call returns at once and the work goes on behind it."""

    def deploy(self, deployment: Deployment) -> None:
        """Create the service or update it in place to this release."""

    def status(self, service_id: str) -> Status | None:
        """The newest release's state, or None for a service never deployed here."""

    def upstream(self, hostname: str) -> tuple[str, int] | None:
        """Where to send a request for `hostname`, while it has a ready release."""

    def stop(self) -> None:
        """Stop every service (they are relaunched by the next start)."""
