"""A request waits a bounded time for a JavaScript engine.

Engines are 4 per CPU, at least 8 and at most 64. A request that finds every
one busy waits up to 5 s: it is served if one comes free in that time, and
turned away with 503 if none does, rather than queued for ever.
"""

from __future__ import annotations

import os
import threading
import time

import httpx

from .conftest import StartServer

BUSY = """
export default function handler(request) {
  if (request.path === "/spin") {
    console.log("spinning");
    const end = Date.now() + 7000;
    while (Date.now() < end) {}
  }
  return Response.json({ ok: true });
}
"""

ENGINES = min(64, max(8, 4 * (os.cpu_count() or 2)))


def test_a_request_is_turned_away_after_5_s_and_the_next_is_served_when_one_frees(
    start_server: StartServer,
) -> None:
    server = start_server(BUSY, args=["-q"])
    spinners = [
        threading.Thread(
            target=httpx.get, args=(server.url + "/spin",), kwargs={"timeout": 30}
        )
        for _ in range(ENGINES)
    ]
    for thread in spinners:
        thread.start()
    deadline = time.monotonic() + 10
    while server.log().count("spinning") < ENGINES and time.monotonic() < deadline:
        time.sleep(0.05)
    all_busy = server.log().count("spinning") == ENGINES

    started = time.monotonic()
    turned_away = httpx.get(server.url + "/", timeout=30)
    waited = time.monotonic() - started
    served = httpx.get(server.url + "/", timeout=30)
    for thread in spinners:
        thread.join()

    assert all_busy
    assert turned_away.status_code == 503
    assert turned_away.json() == {
        "error": "unavailable",
        "message": "every JavaScript engine stayed busy",
    }
    assert waited > 4.5
    assert served.json() == {"ok": True}
