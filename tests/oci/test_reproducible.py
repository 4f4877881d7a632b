"""R6: builds in different places, times, zones, locales and umasks are identical."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Builds the image from a binary file the way the CLI does, writes both output
# forms and prints the digest. Runs in a fresh interpreter per environment.
BUILD = """
import sys
from pathlib import Path
from zigttp.oci import build, layout, tarball

binary = Path(sys.argv[1]).read_bytes()
out = Path(sys.argv[2])
images = [
    build.image(binary, platform, {"zigttp.proof-level": "complete"},
                {"org.opencontainers.image.title": "hello"}, 1_700_000_000, "gzip")
    for platform in ("linux/amd64", "linux/arm64")
]
index = build.index(images, {})
layout.write(index, out / "layout")
tarball.write(index, out / "image.tar")
print(index.digest)
"""

ENVIRONMENTS = [
    {"TZ": "UTC", "LC_ALL": "C", "umask": 0o022, "owner": 0, "mtime": 1},
    {
        "TZ": "Asia/Kolkata",
        "LC_ALL": "C.UTF-8",
        "umask": 0o002,
        "owner": 1000,
        "mtime": 1_800_000_000,
    },
    {"TZ": "America/St_Johns", "LC_ALL": "POSIX", "umask": 0o077, "owner": 501},
]


Written = dict[str, tuple[int, bytes]]


def build_in(folder: Path, setting: dict[str, object]) -> tuple[str, Written]:
    """Build in `folder` under `setting`: the digest, each file's mode and bytes."""
    folder.mkdir(parents=True)
    binary = folder / "handler.bin"
    binary.write_bytes(b"\x7fELF pretend handler\n" * 500)
    if "mtime" in setting:
        os.utime(binary, (int(str(setting["mtime"])), int(str(setting["mtime"]))))
    if os.geteuid() == 0:
        owner = int(str(setting["owner"]))
        os.chown(binary, owner, owner)

    env = {
        **os.environ,
        "TZ": str(setting["TZ"]),
        "LC_ALL": str(setting["LC_ALL"]),
        "HOME": str(folder),
    }
    result = subprocess.run(
        [sys.executable, "-c", BUILD, str(binary), str(folder / "out")],
        cwd=folder,
        env=env,
        umask=int(str(setting["umask"])),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    written = {
        str(path.relative_to(folder / "out")): (path.stat().st_mode, path.read_bytes())
        for path in sorted((folder / "out").rglob("*"))
        if path.is_file()
    }
    return result.stdout.strip(), written


@pytest.mark.slow
def test_builds_agree_byte_for_byte_across_environments(tmp_path: Path) -> None:
    results = [
        build_in(tmp_path.joinpath(f"place-{number}", *["deeper"] * number), setting)
        for number, setting in enumerate(ENVIRONMENTS)
    ]

    digests = {digest for digest, _ in results}
    assert len(digests) == 1, digests
    first_files = results[0][1]
    assert "image.tar" in first_files and "layout/index.json" in first_files
    for _, files in results[1:]:
        assert files == first_files
