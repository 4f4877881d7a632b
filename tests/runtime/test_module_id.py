"""zigttp:id: uuid (version 4), ulid and nanoid from the system's random source."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from . import calls
from .conftest import Launch
from .handlers import Server

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@pytest.fixture(scope="module")
def ids(launch: Launch) -> Iterator[Server]:
    yield launch(calls.caller("id"))


def test_uuid_is_version_4_with_the_rfc_variant(ids: Server) -> None:
    seen = {calls.call(ids, "uuid") for _ in range(20)}

    assert len(seen) == 20
    for value in seen:
        assert re.fullmatch(
            r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
            str(value),
        )


def test_ulid_starts_with_the_time_in_milliseconds(ids: Server) -> None:
    before = int(time.time() * 1000)
    value = str(calls.call(ids, "ulid"))
    after = int(time.time() * 1000)

    assert len(value) == 26 and set(value) <= set(CROCKFORD)
    stamp = 0
    for digit in value[:10]:
        stamp = stamp * 32 + CROCKFORD.index(digit)
    assert before <= stamp <= after


def test_ulids_made_later_sort_later(ids: Server) -> None:
    first = str(calls.call(ids, "ulid"))
    time.sleep(0.005)
    second = str(calls.call(ids, "ulid"))

    assert first[:10] < second[:10]


@pytest.mark.parametrize(
    ("args", "length"),
    [([], 21), ([8], 8), ([1], 1), ([0], 21), ([-3], 21), ([500], 128), (["x"], 21)],
    ids=["default", "eight", "one", "zero", "negative", "capped", "not-a-number"],
)
def test_nanoid_has_the_asked_length_in_its_alphabet(
    ids: Server, args: list[object], length: int
) -> None:
    value = str(calls.call(ids, "nanoid", *args))

    assert len(value) == length
    assert re.fullmatch(r"[A-Za-z0-9_-]+", value)
