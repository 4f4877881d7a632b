"""A failing handler costs one request, never the server."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from .conftest import StartServer

FAILING = """\
export default function handler(request) {
  if (request.path === "/throw") {
    throw new Error("kaput");
  }
  if (request.path === "/number") return 42;
  if (request.path === "/deep") return deep(1);
  if (request.path === "/loop") { for (;;) {} }
  if (request.path === "/status") {
    return Object.assign(Response.text("x"), { status: 9000 });
  }
  if (request.path === "/header") {
    return Response.text("x", { headers: { "X-Bad": "a\\r\\nInjected: 1" } });
  }
  return Response.json({ ok: true });
}
function deep(n) { return deep(n + 1) + 1; }
"""


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/throw", "the handler threw: Error: kaput"),
        ("/number", "it returned a number, not a Response"),
        ("/deep", "RangeError: Maximum call stack size exceeded"),
        ("/status", "its status 9000 is not a final HTTP status (200-599)"),
        ("/header", "header X-Bad is not a valid HTTP header"),
    ],
)
def test_failure_answers_500_and_the_next_request_works(
    start_server: StartServer, path: str, logged: str
) -> None:
    server = start_server(FAILING)

    with httpx.Client(base_url=server.url) as client:
        failed = client.get(path)
        after = client.get("/")

    assert failed.status_code == 500
    assert failed.json() == {"error": "internal_error", "message": "the handler failed"}
    assert "kaput" not in failed.text
    assert after.json() == {"ok": True}
    assert server.wait_for_log(logged)


def test_stack_of_a_thrown_error_names_the_handler_line(
    start_server: StartServer,
) -> None:
    server = start_server(FAILING)

    httpx.get(server.url + "/throw")

    assert server.wait_for_log("at handler (handler.js:3:")


def test_slow_handler_is_interrupted_with_504(start_server: StartServer) -> None:
    server = start_server(FAILING, args=["--handler-timeout", "0.5"])

    started = time.monotonic()
    slow = httpx.get(server.url + "/loop", timeout=10)
    took = time.monotonic() - started
    after = httpx.get(server.url + "/")

    assert slow.status_code == 504
    assert slow.json()["error"] == "handler_timeout"
    assert 0.4 < took < 5
    assert after.json() == {"ok": True}
    assert server.wait_for_log("ran longer than 0.5 s and was interrupted")


def test_other_requests_are_served_while_a_handler_loops(
    start_server: StartServer,
) -> None:
    server = start_server(FAILING, args=["--handler-timeout", "3"])

    with httpx.Client(base_url=server.url, timeout=10) as looping:
        result: list[int] = []
        thread = threading.Thread(
            target=lambda: result.append(looping.get("/loop").status_code)
        )
        thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        fast = httpx.get(server.url + "/")
        fast_took = time.monotonic() - started
        thread.join()

    assert fast.json() == {"ok": True}
    assert fast_took < 1
    assert result == [504]
