"""Atomic writes replace only what is theirs to replace, and never leave halves."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zigttp import atomic
from zigttp.errors import UsageError


def test_write_bytes_replaces_a_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("old")

    atomic.write_bytes(path, b"new", mode=0o600)

    assert path.read_bytes() == b"new"
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path) == ["state.json"]


def test_write_bytes_refuses_a_device_and_a_folder(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()

    for path, kind in ((fifo, "pipe or socket"), (folder, "folder")):
        with pytest.raises(UsageError, match=f"it is a {kind}; choose another path"):
            atomic.write_bytes(path, b"x")
    assert fifo.exists() and folder.is_dir()


def test_a_failed_directory_write_leaves_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "old").write_text("kept")

    with pytest.raises(RuntimeError), atomic.replacing_directory(target) as staging:
        (staging / "new").write_text("half")
        raise RuntimeError("interrupted")

    assert os.listdir(target) == ["old"]
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_a_folder_the_caller_does_not_accept_is_never_replaced(tmp_path: Path) -> None:
    target = tmp_path / "home"
    target.mkdir()
    (target / "precious").write_text("mine")

    refuse_all = atomic.replacing_directory(target, replaceable=lambda f: False)
    with pytest.raises(UsageError, match="holds other files"), refuse_all:
        pytest.fail("no work may start")

    assert (target / "precious").read_text() == "mine"
