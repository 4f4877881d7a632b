"""The machines a handler binary can be built for, and the one we run on."""

from __future__ import annotations

import platform
from dataclasses import dataclass

from zigttp.errors import ToolchainError


@dataclass(frozen=True)
class Target:
    """One build target: how zig names it and how OCI names it."""

    triple: str
    platform: str
    architecture: str
    variant: str = ""

    def __str__(self) -> str:
        return self.triple


AMD64 = Target("x86_64-linux-musl", "linux/amd64", "amd64")
ARM64 = Target("aarch64-linux-musl", "linux/arm64", "arm64", "v8")

TARGETS: dict[str, Target] = {target.platform: target for target in (AMD64, ARM64)}

_MACHINES = {
    "x86_64": AMD64,
    "amd64": AMD64,
    "aarch64": ARM64,
    "arm64": ARM64,
}


def by_platform(name: str) -> Target:
    """The target for an OCI platform such as `linux/arm64`."""
    target = TARGETS.get(name)
    if target is None:
        known = ", ".join(sorted(TARGETS))
        raise ToolchainError(f"cannot build for platform {name}: choose one of {known}")
    return target


def host() -> Target:
    """The target matching this machine, for tools that run during the build."""
    machine = platform.machine().lower()
    target = _MACHINES.get(machine)
    if target is None:
        raise ToolchainError(
            f"this machine's architecture {machine!r} cannot run the bytecode "
            "compiler: build on x86_64 or aarch64"
        )
    return target
