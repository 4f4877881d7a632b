"""Slow clients, many clients and a clean stop."""

from __future__ import annotations

import signal
import threading
import time

import httpx

from .conftest import StartServer
from .handlers import closed_by_peer, exchange, read_response, status_of

SLOW = """
export default function (request) {
  if (request.path === "/slow") {
    const end = Date.now() + 1000;
    while (Date.now() < end) {}
    return Response.json({ slow: true });
  }
  return Response.json({ ok: true });
}
"""


def test_a_client_stalled_mid_headers_does_not_block_others(
    start_server: StartServer,
) -> None:
    server = start_server(SLOW)

    with server.connect() as stalled:
        stalled.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Half")
        started = time.monotonic()
        response = httpx.get(server.url + "/", timeout=5)
        took = time.monotonic() - started

    assert response.json() == {"ok": True}
    assert took < 3  # the stalled client's header timeout is 10 s


def test_many_connections_at_once(start_server: StartServer) -> None:
    server = start_server(SLOW)
    results: list[int] = []

    def client() -> None:
        with httpx.Client(base_url=server.url, timeout=10) as session:
            for _ in range(20):
                results.append(session.get("/").status_code)

    threads = [threading.Thread(target=client) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [200] * 320


def test_idle_keep_alive_connection_is_closed_after_the_idle_timeout(
    start_server: StartServer,
) -> None:
    server = start_server(SLOW)

    with server.connect() as sock:
        answer = exchange(sock, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        closed = closed_by_peer(sock, timeout=8)

    assert status_of(answer) == 200
    assert closed


def test_sigterm_finishes_the_request_in_flight_and_exits_0(
    start_server: StartServer,
) -> None:
    server = start_server(SLOW)
    answers: list[httpx.Response] = []
    in_flight = threading.Thread(
        target=lambda: answers.append(httpx.get(server.url + "/slow", timeout=10))
    )

    with server.connect() as idle:
        exchange(idle, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        in_flight.start()
        time.sleep(0.3)
        server.process.send_signal(signal.SIGTERM)
        idle_closed = closed_by_peer(idle, timeout=5)
        in_flight.join()
        code = server.process.wait(timeout=15)

    assert answers[0].json() == {"slow": True}
    assert answers[0].headers["connection"] == "close"
    assert idle_closed
    assert code == 0


def test_sigint_on_an_idle_server_exits_0_at_once(start_server: StartServer) -> None:
    server = start_server(SLOW)

    started = time.monotonic()
    server.process.send_signal(signal.SIGINT)
    code = server.process.wait(timeout=5)

    assert code == 0
    assert time.monotonic() - started < 3  # in-flight requests get 10 s


# With 64 descriptors the server keeps 16 connections (what is left after the
# engines' and its own reserve, never fewer than 16).
FILES_LIMIT = 64
PLACES = 16

HOLDING = """
export default function (request) {
  if (request.path === "/hold") {
    const end = Date.now() + 2500;
    while (Date.now() < end) {}
  }
  return Response.json({ ok: true });
}
"""


def test_when_every_place_is_answering_a_new_connection_gets_503(
    start_server: StartServer,
) -> None:
    server = start_server(HOLDING, files_limit=FILES_LIMIT)
    held = [server.connect() for _ in range(PLACES)]
    try:
        for sock in held:
            sock.sendall(b"GET /hold HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.3)

        with server.connect() as extra:
            answer = read_response(extra)
    finally:
        for sock in held:
            sock.close()

    assert status_of(answer) == 503
    assert b'"error":"unavailable"' in answer
    assert served_again_within(server.url, seconds=10)


def test_a_new_client_takes_the_place_of_the_longest_idle_one(
    start_server: StartServer,
) -> None:
    server = start_server(HOLDING, files_limit=FILES_LIMIT)
    dripping = server.connect()
    dripping.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Drip: ")
    time.sleep(0.1)  # it began reading before the others were let in
    held = [dripping] + [server.connect() for _ in range(PLACES - 1)]
    try:
        time.sleep(1.2)  # every held connection is now older than a second

        response = httpx.get(server.url + "/", timeout=5)
        dripping_closed = closed_by_peer(dripping, timeout=1.5)  # long before 408
        others_open = not any(closed_by_peer(sock, timeout=0.05) for sock in held[1:])
    finally:
        for sock in held:
            sock.close()

    assert response.json() == {"ok": True}
    assert dripping_closed
    assert others_open


def served_again_within(url: str, seconds: float) -> bool:
    """True once the server answers 200 again (closed connections take a moment)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if httpx.get(url + "/", timeout=5).status_code == 200:
            return True
        time.sleep(0.05)
    return False
