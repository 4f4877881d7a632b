"""Drift: what moved between the last deploy of a service and this one.

A different scope (another account or control plane), region or hosting plan,
or an env var the last deploy set that `.env` no longer has, would quietly
leave the old service running or drop a setting. Each is named so the person
can decide; `--confirm` proceeds and rebinds.
"""

from __future__ import annotations

from collections.abc import Collection

from .session import Session
from .state import ServiceState


def changes(
    last: ServiceState | None, session: Session, region: str, env: Collection[str]
) -> list[str]:
    """One phrase per change since `last`; empty when nothing drifted."""
    if last is None:
        return []

    found = []
    if last.scope_id and last.scope_id != session.scope_id:
        found.append(
            f"scope changed from {last.scope_id} to {session.scope_id} "
            "(another account or control plane)"
        )
    if last.region and last.region != region:
        found.append(
            f"region changed from {last.region} to {region} "
            f"(a new service would start in {region})"
        )
    if last.plan_id and last.plan_id != session.plan_id:
        found.append(f"plan changed from {last.plan_id} to {session.plan_id}")

    dropped = sorted(name for name in last.managed_env if name not in env)
    found += [
        f"env var {name} was set by the last deploy and is no longer in .env"
        for name in dropped
    ]
    return found
