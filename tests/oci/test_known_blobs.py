"""Blob locations survive between runs, bounded, and a broken file is no failure."""

from __future__ import annotations

from pathlib import Path

from zigttp.oci import known_blobs
from zigttp.oci.digest import Digest
from zigttp.oci.known_blobs import KnownBlobs

A = Digest.of(b"a")
B = Digest.of(b"b")


def test_locations_round_trip_most_recent_first(tmp_path: Path) -> None:
    path = tmp_path / "known.json"
    known = KnownBlobs()
    known.add("reg:5000", A, "one/app")
    known.add("reg:5000", A, "two/app")
    known.add("other:443", B, "x/y")
    known.save(path)

    again = KnownBlobs.load(path)

    assert again.sources("reg:5000", A) == ["two/app", "one/app"]
    assert again.sources("other:443", B) == ["x/y"]
    assert again.sources("reg:5000", B) == []


def test_only_the_most_recent_blobs_are_kept(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(known_blobs, "MAX_BLOBS", 2)
    known = KnownBlobs()
    for number in range(3):
        known.add("reg", Digest.of(str(number).encode()), "r")
    known.save(tmp_path / "known.json")

    again = KnownBlobs.load(tmp_path / "known.json")

    assert again.sources("reg", Digest.of(b"0")) == []
    assert again.sources("reg", Digest.of(b"2")) == ["r"]


def test_a_missing_or_damaged_file_starts_empty(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('[{"registry": "r", "digest": "md5:x"}, 7]')

    assert KnownBlobs.load(tmp_path / "missing.json").sources("r", A) == []
    assert KnownBlobs.load(tmp_path / "bad.json").sources("r", A) == []
