"""zigttp:cache: one store per process with TTLs, LRU eviction and bounded memory."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from . import calls
from .calls import UNDEFINED
from .conftest import Launch, StartServer
from .handlers import Server

MAX_ENTRIES = 10_000
MAX_BYTES = 16 * 1024 * 1024

FILL = """
import { cacheGet, cacheSet, cacheStats } from "zigttp:cache";

// Fill namespace `ns` with `count` entries of `size` characters, reading
// key 0 again after `touch` entries so it is recently used.
export default function handler(request) {
  const { ns, count, size, touch } = request.json();
  const value = "v".repeat(size);
  for (let i = 0; i < count; i++) {
    cacheSet(ns, "k" + i, value);
    if (i === touch) cacheGet(ns, "k0");
  }
  const kept = [];
  for (let i = 0; i < count; i++) kept.push(cacheGet(ns, "k" + i) !== undefined);
  return Response.json({ kept, stats: cacheStats() });
}
"""

SHARED = """
import { cacheIncr } from "zigttp:cache";

const engine = Math.random();

export default function handler(request) {
  const until = Date.now() + 30;
  while (Date.now() < until) {} // hold this engine so others are made
  return Response.json({ engine, count: cacheIncr("shared", "hits") });
}
"""


HUGE = f"""
import {{ cacheGet, cacheSet }} from "zigttp:cache";

export default function handler(request) {{
  const stored = cacheSet("huge", "k", "x".repeat({MAX_BYTES + 1}));
  return Response.json({{ stored, read: cacheGet("huge", "k") ?? "none" }});
}}
"""


@pytest.fixture(scope="module")
def cache(launch: Launch) -> Iterator[Server]:
    yield launch(calls.caller("cache"))


def test_set_get_delete(cache: Server) -> None:
    assert calls.call(cache, "cacheGet", "basic", "k") is UNDEFINED
    assert calls.call(cache, "cacheSet", "basic", "k", "v1") is True
    assert calls.call(cache, "cacheGet", "basic", "k") == "v1"
    assert calls.call(cache, "cacheSet", "basic", "k", "v2") is True
    assert calls.call(cache, "cacheGet", "basic", "k") == "v2"
    assert calls.call(cache, "cacheGet", "other-namespace", "k") is UNDEFINED
    assert calls.call(cache, "cacheDelete", "basic", "k") is True
    assert calls.call(cache, "cacheDelete", "basic", "k") is False
    assert calls.call(cache, "cacheGet", "basic", "k") is UNDEFINED


@pytest.mark.parametrize(
    ("function", "args", "result"),
    [
        ("cacheSet", ["types", "k", 42], False),
        ("cacheSet", ["types", "k"], False),
        ("cacheSet", [7, "k", "v"], False),
        ("cacheGet", ["types"], UNDEFINED),
        ("cacheDelete", [None, "k"], False),
        ("cacheIncr", ["types", 3], UNDEFINED),
    ],
    ids=["number-value", "no-value", "number-ns", "no-key", "null-ns", "number-key"],
)
def test_arguments_of_the_wrong_type_answer_like_the_reference(
    cache: Server, function: str, args: list[object], result: object
) -> None:
    assert calls.call(cache, function, *args) == result


def test_entries_expire_after_their_ttl(cache: Server) -> None:
    assert calls.call(cache, "cacheSet", "ttl", "short", "v", 0.3) is True
    assert calls.call(cache, "cacheSet", "ttl", "forever", "v") is True
    assert calls.call(cache, "cacheSet", "ttl", "null-ttl", "v", None) is True
    assert calls.call(cache, "cacheGet", "ttl", "short") == "v"

    time.sleep(0.5)

    assert calls.call(cache, "cacheGet", "ttl", "short") is UNDEFINED
    assert calls.call(cache, "cacheGet", "ttl", "forever") == "v"
    assert calls.call(cache, "cacheGet", "ttl", "null-ttl") == "v"


@pytest.mark.parametrize("ttl", [0, -5], ids=["zero", "negative"])
def test_ttl_of_zero_or_less_is_already_expired(cache: Server, ttl: int) -> None:
    assert calls.call(cache, "cacheSet", "expired", f"k{ttl}", "v", ttl) is True
    assert calls.call(cache, "cacheGet", "expired", f"k{ttl}") is UNDEFINED


@pytest.mark.parametrize(
    ("before", "args", "result", "stored"),
    [
        (None, [], 1, "1"),
        (None, [5], 5, "5"),
        ("10", [], 11, "11"),
        ("10", [-3], 7, "7"),
        ("10", [2.5], 11, "11"),
        ("not a number", [], 1, "1"),
    ],
    ids=["missing", "missing-delta", "existing", "negative", "fraction", "not-number"],
)
def test_incr_counts_from_zero_for_missing_keys(
    cache: Server, before: str | None, args: list[object], result: int, stored: str
) -> None:
    key = f"k-{before}-{args}"
    if before is not None:
        calls.call(cache, "cacheSet", "counters", key, before)

    assert calls.call(cache, "cacheIncr", "counters", key, *args) == result
    assert calls.call(cache, "cacheGet", "counters", key) == stored


def test_incr_with_ttl_starts_again_after_expiry(cache: Server) -> None:
    assert calls.call(cache, "cacheIncr", "window", "ip", 1, 0.3) == 1
    assert calls.call(cache, "cacheIncr", "window", "ip", 1, 0.3) == 2

    time.sleep(0.5)

    assert calls.call(cache, "cacheIncr", "window", "ip", 1, 0.3) == 1


def test_stats_count_hits_misses_entries_and_bytes(cache: Server) -> None:
    calls.call(cache, "cacheSet", "stats", "a", "12345")
    calls.call(cache, "cacheGet", "stats", "a")
    calls.call(cache, "cacheGet", "stats", "a")
    calls.call(cache, "cacheGet", "stats", "missing")

    assert calls.call(cache, "cacheStats", "stats") == {
        "hits": 2,
        "misses": 1,
        "entries": 1,
        "bytes": len("stats") + len("a") + len("12345"),
    }
    assert calls.call(cache, "cacheStats", "never-used") == {
        "hits": 0,
        "misses": 0,
        "entries": 0,
        "bytes": 0,
    }
    total = calls.call(cache, "cacheStats")
    assert isinstance(total, dict) and total["entries"] >= 1 and total["hits"] >= 2


def _fill(server: Server, ns: str, count: int, size: int, touch: int = -1) -> dict:
    body = {"ns": ns, "count": count, "size": size, "touch": touch}
    return httpx.post(server.url + "/", json=body, timeout=60).json()


def test_entry_cap_evicts_the_least_recently_used(start_server: StartServer) -> None:
    server = start_server(FILL, args=["-q"])

    # k0 is read after k100 is written, so k1 is the oldest when the cap is hit.
    filled = _fill(server, "lru", MAX_ENTRIES + 1, 1, touch=100)

    kept = filled["kept"]
    assert kept[0] is True
    assert kept[1] is False
    assert all(kept[2:])
    assert filled["stats"]["entries"] == MAX_ENTRIES


def test_byte_cap_bounds_memory(start_server: StartServer) -> None:
    server = start_server(FILL, args=["-q"])
    size = 1024 * 1024

    filled = _fill(server, "big", 20, size)

    kept = filled["kept"]
    assert kept[-1] is True
    assert kept[0] is False
    assert filled["stats"]["bytes"] <= MAX_BYTES
    assert sum(kept) == MAX_BYTES // (size + len("big") + 3)


def test_value_larger_than_the_cache_is_not_stored(start_server: StartServer) -> None:
    server = start_server(HUGE, args=["-q"])

    assert httpx.get(server.url + "/").json() == {"stored": False, "read": "none"}


def test_every_engine_shares_one_store(start_server: StartServer) -> None:
    server = start_server(SHARED, args=["-q"])
    requests = 24

    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(
                lambda _: httpx.get(server.url + "/", timeout=30).json(),
                range(requests),
            )
        )

    assert len({answer["engine"] for answer in answers}) > 1
    assert sorted(answer["count"] for answer in answers) == list(range(1, requests + 1))
