"""The handler's deadline covers every piece of its code a request runs.

Reading the returned Response (getters, toString, Proxy traps) and describing
a thrown value run the handler's own code too; when that code never returns it
is interrupted like a loop in the handler, and its engine goes back to work.
"""

from __future__ import annotations

import os
import threading
import time

import httpx
import pytest

from .conftest import StartServer

HANGING = """
const forever = () => { for (;;) {} };
const cases = {
  "/status-getter": () => {
    const r = Response.text("x");
    Object.defineProperty(r, "status", { get: forever });
    return r;
  },
  "/body-getter": () => {
    const r = Response.text("x");
    Object.defineProperty(r, "body", { get: forever });
    return r;
  },
  "/headers-getter": () => {
    const r = Response.text("x");
    Object.defineProperty(r, "headers", { get: forever });
    return r;
  },
  "/header-value": () => {
    const r = Response.text("x");
    r.headers = { "x-a": { toString: forever } };
    return r;
  },
  "/header-keys": () => {
    const r = Response.text("x");
    r.headers = new Proxy({}, { ownKeys: forever });
    return r;
  },
  "/prototype-trap": () =>
    new Proxy(Response.text("x"), { getPrototypeOf: forever }),
  "/throw-to-string": () => { throw { toString: forever }; },
  "/throw-stack": () => {
    const error = new Error("e");
    Object.defineProperty(error, "stack", { get: forever });
    throw error;
  },
  "/throw-message": () => {
    const error = new Error("e");
    Object.defineProperty(error, "message", { get: forever });
    error.toString = forever;
    throw error;
  },
  "/spin": () => {
    const end = Date.now() + 10000;
    while (Date.now() < end) {}
    return Response.text("late");
  },
};
export default function handler(request) {
  const run = cases[request.path];
  return run ? run() : Response.json({ ok: true });
}
"""

CASES = [
    "/status-getter",
    "/body-getter",
    "/headers-getter",
    "/header-value",
    "/header-keys",
    "/prototype-trap",
    "/throw-to-string",
    "/throw-stack",
    "/throw-message",
]


@pytest.mark.parametrize("path", CASES)
def test_code_run_after_the_handler_returns_is_interrupted_with_504(
    start_server: StartServer, path: str
) -> None:
    server = start_server(HANGING, args=["--handler-timeout", "0.5"])

    started = time.monotonic()
    answer = httpx.get(server.url + path, timeout=10)
    took = time.monotonic() - started
    after = httpx.get(server.url + "/", timeout=5)

    assert answer.status_code == 504
    assert answer.json()["error"] == "handler_timeout"
    assert took < 5
    assert after.json() == {"ok": True}


def test_every_engine_comes_back_after_hanging_answers(
    start_server: StartServer,
) -> None:
    server = start_server(HANGING, args=["--handler-timeout", "0.3"])
    statuses: list[int] = []

    def hang(path: str) -> None:
        statuses.append(httpx.get(server.url + path, timeout=20).status_code)

    threads = [
        threading.Thread(target=hang, args=(CASES[n % len(CASES)],)) for n in range(24)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = httpx.get(server.url + "/", timeout=5)

    assert statuses == [504] * 24
    assert after.json() == {"ok": True}


def test_a_request_finding_every_engine_busy_gets_503_after_a_bounded_wait(
    start_server: StartServer,
) -> None:
    server = start_server(HANGING, args=["--handler-timeout", "30"])
    engines = min(64, max(8, 4 * (os.cpu_count() or 2)))  # as main.c counts them
    clients = [httpx.Client(base_url=server.url, timeout=40) for _ in range(engines)]
    spinning = [
        threading.Thread(target=client.get, args=("/spin",)) for client in clients
    ]
    for thread in spinning:
        thread.start()
    time.sleep(1)

    started = time.monotonic()
    queued = httpx.get(server.url + "/", timeout=30)
    waited = time.monotonic() - started
    for thread in spinning:
        thread.join()
    for client in clients:
        client.close()

    assert queued.status_code == 503
    assert queued.json() == {
        "error": "unavailable",
        "message": "every JavaScript engine stayed busy",
    }
    assert 4 < waited < 8
