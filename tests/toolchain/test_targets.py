"""Both targets: static ELF binaries for the right machine, and they run."""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path

import httpx
import pytest

from tests.runtime import handlers
from zigttp.toolchain import targets

HELLO = "export default (req) => Response.json({ arch: 'any', path: req.path });"

EM_X86_64 = 62
EM_AARCH64 = 183
PT_DYNAMIC = 2
PT_INTERP = 3


def elf_facts(data: bytes) -> tuple[int, set[int]]:
    """The machine and the program header types of a 64-bit little-endian ELF."""
    assert data[:4] == b"\x7fELF"
    assert data[4] == 2, "not a 64-bit ELF"
    assert data[5] == 1, "not little-endian"
    (machine,) = struct.unpack_from("<H", data, 18)
    (program_headers,) = struct.unpack_from("<Q", data, 32)
    entry_size, count = struct.unpack_from("<HH", data, 54)
    kinds = {
        struct.unpack_from("<I", data, program_headers + index * entry_size)[0]
        for index in range(count)
    }
    return machine, kinds


def test_targets_map_oci_platforms_to_zig_triples() -> None:
    assert targets.by_platform("linux/amd64").triple == "x86_64-linux-musl"
    arm = targets.by_platform("linux/arm64")
    assert (arm.triple, arm.architecture, arm.variant) == (
        "aarch64-linux-musl",
        "arm64",
        "v8",
    )
    assert targets.host() in targets.TARGETS.values()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("platform", "machine"),
    [("linux/amd64", EM_X86_64), ("linux/arm64", EM_AARCH64)],
)
def test_binary_is_a_static_elf_for_its_machine(
    build_cache: Path, tmp_path: Path, platform: str, machine: int
) -> None:
    path = handlers.binary(HELLO, tmp_path, target=targets.by_platform(platform))

    found_machine, kinds = elf_facts(path.read_bytes())

    assert found_machine == machine
    assert PT_INTERP not in kinds
    assert PT_DYNAMIC not in kinds


@pytest.mark.slow
def test_arm64_binary_answers_under_qemu(build_cache: Path, tmp_path: Path) -> None:
    qemu = shutil.which("qemu-aarch64-static")
    if qemu is None:
        if os.environ.get("ZIGTTP_TEST_REQUIRE_TOOLS"):
            pytest.fail("qemu-aarch64-static is not installed")
        pytest.skip("qemu-aarch64-static is not installed")
    path = handlers.binary(HELLO, tmp_path, target=targets.by_platform("linux/arm64"))

    server = handlers.Server(path, env=handlers.base_env(), prefix=[qemu])
    try:
        response = httpx.get(server.url + "/from-arm", timeout=10)
    finally:
        code = server.stop()

    assert response.json() == {"arch": "any", "path": "/from-arm"}
    assert code == 0
