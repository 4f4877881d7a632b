"""HTTP/1.1 as clients speak it: keep-alive, framing, limits and bad input."""

from __future__ import annotations

import pytest

from .conftest import StartServer
from .handlers import body_of, closed_by_peer, exchange, read_response, status_of

ECHO = """
export default function (request) {
  return Response.json({
    method: request.method,
    path: request.path,
    body: request.body === undefined ? null : request.body,
  });
}
"""


def test_keep_alive_serves_several_requests_on_one_connection(
    start_server: StartServer,
) -> None:
    server = start_server(ECHO)

    with server.connect() as sock:
        answers = [
            exchange(sock, f"GET /{n} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            for n in range(5)
        ]

    assert [status_of(answer) for answer in answers] == [200] * 5
    assert [body_of(answer) for answer in answers] == [
        f'{{"method":"GET","path":"/{n}","body":null}}'.encode() for n in range(5)
    ]
    assert all(b"Connection: close" not in answer for answer in answers)


def test_pipelined_requests_are_answered_in_order(start_server: StartServer) -> None:
    server = start_server(ECHO)

    # Both answers may arrive in one read, so read until the server closes.
    with server.connect() as sock:
        sock.sendall(
            b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        received = b""
        while chunk := sock.recv(65536):
            received += chunk

    assert received.count(b"HTTP/1.1 200 OK\r\n") == 2
    assert 0 <= received.index(b'"path":"/a"') < received.index(b'"path":"/b"')


@pytest.mark.parametrize(
    ("request_head", "closes"),
    [
        (b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", True),
        (b"GET / HTTP/1.0\r\n\r\n", True),
        (b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", False),
    ],
)
def test_connection_close_rules(
    start_server: StartServer, request_head: bytes, closes: bool
) -> None:
    server = start_server(ECHO)

    with server.connect() as sock:
        answer = exchange(sock, request_head)
        closed = closed_by_peer(sock, timeout=0.5)

    assert status_of(answer) == 200
    assert closed is closes
    assert (b"Connection: close" in answer) is closes


def test_chunked_request_body_is_decoded(start_server: StartServer) -> None:
    server = start_server(ECHO)

    with server.connect() as sock:
        answer = exchange(
            sock,
            b"POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: yes\r\n\r\n",
        )
        again = exchange(sock, b"GET /next HTTP/1.1\r\nHost: x\r\n\r\n")

    assert status_of(answer) == 200
    assert b'"body":"hello, world"' in body_of(answer)
    assert status_of(again) == 200


def test_content_length_body_sent_in_pieces(start_server: StartServer) -> None:
    server = start_server(ECHO)

    with server.connect() as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello")
        sock.sendall(b"world")
        answer = read_response(sock)

    assert b'"body":"helloworld"' in body_of(answer)


def test_expect_continue_gets_an_interim_answer(start_server: StartServer) -> None:
    server = start_server(ECHO)

    with server.connect() as sock:
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
            b"Expect: 100-continue\r\n\r\n"
        )
        interim = sock.recv(1024)
        sock.sendall(b"ok")
        answer = read_response(sock)

    assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
    assert b'"body":"ok"' in body_of(answer)


def test_head_answers_headers_without_body(start_server: StartServer) -> None:
    server = start_server(ECHO)

    with server.connect() as sock:
        answer = exchange(
            sock, b"HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n", head_request=True
        )
        after = exchange(sock, b"GET /g HTTP/1.1\r\nHost: x\r\n\r\n")

    assert status_of(answer) == 200
    assert b"Content-Length: 41" in answer
    assert body_of(answer) == b""
    assert b'"path":"/g"' in body_of(after)


BIG_BODY = b"x" * (1024 * 1024 + 1)


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\n" + b"X-Big: " + b"b" * 40000 + b"\r\n\r\n", 431),
        (
            b"GET / HTTP/1.1\r\n"
            + b"".join(b"X-%d: 1\r\n" % n for n in range(101))
            + b"\r\n",
            431,
        ),
        (
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(BIG_BODY),
            413,
        ),
        (
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + b"%x\r\n" % len(BIG_BODY),
            413,
        ),
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nNo colon here\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nBad Name: 1\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nX: 1\r\n folded\r\n\r\n", 400),
        (b"GET nopath HTTP/1.1\r\n\r\n", 400),
        (b"GET / HTTP/1.1\nHost: x\n\n", 400),
        (b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400),
        (
            b"POST / HTTP/1.1\r\nContent-Length: 3\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n",
            400,
        ),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        (b"GET / HTTP/2.0\r\n\r\n", 505),
    ],
    ids=[
        "long-request-line",
        "big-header",
        "too-many-headers",
        "big-content-length",
        "big-chunk",
        "garbage",
        "header-without-colon",
        "space-in-name",
        "folded-header",
        "target-without-slash",
        "bare-newlines",
        "two-lengths",
        "non-numeric-length",
        "length-and-chunked",
        "bad-chunk-size",
        "unknown-transfer-coding",
        "http-2",
    ],
)
def test_bad_requests_get_their_status_and_a_closed_connection(
    start_server: StartServer, raw: bytes, status: int
) -> None:
    server = start_server(ECHO)

    with server.connect() as sock:
        answer = exchange(sock, raw)
        closed = closed_by_peer(sock)

    assert status_of(answer) == status
    assert b"Connection: close" in answer
    assert b'"error":' in body_of(answer)
    assert closed
