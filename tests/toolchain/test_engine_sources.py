"""The pinned engine sources: fetched once, verified, unpacked without their wrapper."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest

from zigttp.errors import ToolchainError
from zigttp.toolchain import engine, vendored


def test_pin_names_the_quickjs_ng_sdist() -> None:
    pin = vendored.engine_pin()

    assert (pin.name, pin.version, pin.file) == (
        "quickjs-ng",
        "0.17.0.2",
        "quickjs_ng-0.17.0.2.tar.gz",
    )
    assert (
        pin.sha256 == "43d2e48272208721a7aaea8e3f02d4b9318f12ef20cc4f5421b59d9a470706ef"
    )


def test_cached_sources_hold_only_the_engine(build_cache: Path) -> None:
    folder = engine.sources()

    assert folder == build_cache / "sources" / "quickjs-ng-0.17.0.2"
    names = {path.name for path in folder.iterdir()}
    assert {"quickjs.c", "quickjs.h", "libregexp.c", "libunicode.c", "dtoa.c"} <= names
    assert not names & {"module.c", "setup.py", "PKG-INFO", "upstream-quickjs"}


def test_archive_with_other_bytes_is_refused_naming_both_hashes(tmp_path: Path) -> None:
    pin = vendored.engine_pin()
    archive = tmp_path / pin.file
    archive.write_bytes(b"not the engine")

    with pytest.raises(ToolchainError) as raised:
        engine.verify_archive(pin, archive)

    message = str(raised.value)
    assert pin.sha256 in message
    assert hashlib.sha256(b"not the engine").hexdigest() in message


def test_archive_with_the_pinned_hash_passes(tmp_path: Path) -> None:
    archive = tmp_path / "engine.tar.gz"
    archive.write_bytes(b"engine bytes")
    pin = dataclasses.replace(
        vendored.engine_pin(), sha256=hashlib.sha256(b"engine bytes").hexdigest()
    )

    engine.verify_archive(pin, archive)
