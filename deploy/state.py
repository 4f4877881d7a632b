"""`.zigttp/deploy-state.json`: what the last deploy of each service bound to.

    {"version": 1, "services": {"hello": {"scopeId": ..., "serviceId": ...,
     "region": ..., "planId": ..., "url": ..., "lastDigest": ...,
     "managedEnv": [...], "contractFacts": {...}, "controlPlane": ...}}}

Env values never go here, only names. The file is replaced whole, so an
interrupted deploy leaves the previous state or the new one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zigttp import atomic
from zigttp.errors import InputError

from . import server_text
from .facts import Facts

STATE_PATH = Path(".zigttp") / "deploy-state.json"
VERSION = 1


@dataclass(frozen=True)
class ServiceState:
    """One service as its last deploy left it."""

    scope_id: str
    service_id: str
    region: str
    plan_id: str
    url: str
    digest: str
    managed_env: tuple[str, ...]
    facts: Facts | None
    control_plane: str

    def to_json(self) -> dict[str, Any]:
        return {
            "scopeId": self.scope_id,
            "serviceId": self.service_id,
            "region": self.region,
            "planId": self.plan_id,
            "url": self.url,
            "lastDigest": self.digest,
            "managedEnv": sorted(self.managed_env),
            "contractFacts": self.facts.to_json() if self.facts else None,
            "controlPlane": self.control_plane,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> ServiceState:
        facts = value.get("contractFacts")
        return cls(
            scope_id=_text(value, "scopeId"),
            service_id=_text(value, "serviceId"),
            region=_text(value, "region"),
            plan_id=_text(value, "planId"),
            url=_text(value, "url"),
            digest=_text(value, "lastDigest"),
            managed_env=tuple(str(name) for name in value.get("managedEnv") or ()),
            facts=Facts.from_json(facts) if isinstance(facts, dict) else None,
            control_plane=_text(value, "controlPlane"),
        )


def load(directory: Path) -> dict[str, ServiceState]:
    """Every service the state file knows, by name; none when there is no file."""
    where = directory / STATE_PATH
    try:
        data = where.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise _damaged(where, error.strerror or "cannot read it") from None

    try:
        document = json.loads(data)
        services = document["services"]
        if document.get("version") != VERSION or not isinstance(services, dict):
            raise ValueError("unknown version or no services object")
        return {
            str(name): ServiceState.from_json(entry) for name, entry in services.items()
        }
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise _damaged(where, str(error) or error.__class__.__name__) from None


def save(directory: Path, service: str, entry: ServiceState) -> Path:
    """Record `entry` for `service`, keeping the other services' entries."""
    where = directory / STATE_PATH
    services = {name: value.to_json() for name, value in load(directory).items()}
    services[service] = entry.to_json()

    document = {"version": VERSION, "services": services}
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    atomic.write_bytes(where, text.encode("utf-8"))
    return where


def _text(value: dict[str, Any], key: str) -> str:
    # Most of these came from the control plane, and drift messages print them.
    return server_text.field(value, key)


def _damaged(where: Path, problem: str) -> InputError:
    return InputError(
        f"{where} is damaged ({problem}): fix it, or delete it to deploy as if "
        "for the first time (drift checks then start over)"
    )
