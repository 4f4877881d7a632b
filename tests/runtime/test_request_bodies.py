"""Request bodies: chunked framing is bounded, and a refusal reaches the client.

A chunked body is decoded as it arrives, so thousands of tiny chunks cost no
more room than the body itself. Chunk extensions and trailers are bounded
(413 and 431), a bare LF in a trailer is refused (400). After refusing a
request whose body is still coming, the server reads and drops it for a while,
so the client sees the refusal and an orderly close instead of a reset.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest

from .conftest import Launch
from .handlers import (
    Server,
    body_of,
    closed_by_peer,
    exchange,
    read_response,
    status_of,
)

BODY = """
export default function handler(request) {
  const body = request.body === undefined ? "" : request.body;
  return Response.json({
    length: body.length,
    head: body.slice(0, 12),
    tail: body.slice(-12),
  });
}
"""

CHUNKED_HEAD = b"POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"


@pytest.fixture(scope="module")
def bodies(launch: Launch) -> Iterator[Server]:
    yield launch(BODY, args=["-q"])


def _post_chunked(server: Server, chunks: bytes) -> bytes:
    with server.connect() as sock:
        return exchange(sock, CHUNKED_HEAD + chunks)


def test_a_body_of_a_million_one_byte_chunks_is_accepted(bodies: Server) -> None:
    ten_chunks = b"".join(b"1\r\n%c\r\n" % digit for digit in b"0123456789")
    count = 104_857  # 1,048,570 bytes: just under the 1 MiB body limit

    answer = _post_chunked(bodies, ten_chunks * count + b"0\r\n\r\n")

    assert status_of(answer) == 200
    assert json.loads(body_of(answer)) == {
        "length": 10 * count,
        "head": "012345678901",
        "tail": "890123456789",
    }


@pytest.mark.parametrize(
    ("extensions", "status"),
    [
        ([16000], 200),
        ([8000, 8000], 200),
        ([16500], 413),
        ([8300, 8300], 413),
        ([100] * 170, 413),
    ],
    ids=["one-below", "two-below", "one-over", "two-over", "many-small-over"],
)
def test_chunk_extensions_are_bounded_over_the_whole_body(
    bodies: Server, extensions: list[int], status: int
) -> None:
    chunks = b"".join(b"1;" + b"e" * size + b"\r\nx\r\n" for size in extensions)

    answer = _post_chunked(bodies, chunks + b"0\r\n\r\n")

    assert status_of(answer) == status


@pytest.mark.parametrize(
    ("trailer", "status"),
    [
        (b"X-T: " + b"t" * 32000 + b"\r\n", 200),
        (b"X-T: " + b"t" * 33000 + b"\r\n", 431),
        (b"".join(b"X-%d: %s\r\n" % (n, b"t" * 1000) for n in range(40)), 431),
    ],
    ids=["below", "one-long-line", "many-lines"],
)
def test_a_trailer_over_32_kib_gets_431(
    bodies: Server, trailer: bytes, status: int
) -> None:
    answer = _post_chunked(bodies, b"2\r\nok\r\n0\r\n" + trailer + b"\r\n")

    assert status_of(answer) == status


@pytest.mark.parametrize(
    "ending",
    [
        b"0\r\nX-A: 1\nX-B: 2\r\n\r\n",
        b"0\r\n\n",
        b"0\r\nX-A: 1\r\n\n",
    ],
    ids=["inside-a-line", "as-the-blank-line", "after-a-line"],
)
def test_a_bare_lf_in_a_trailer_gets_400(bodies: Server, ending: bytes) -> None:
    with bodies.connect() as sock:
        answer = exchange(sock, CHUNKED_HEAD + b"2\r\nok\r\n" + ending)
        closed = closed_by_peer(sock)

    assert status_of(answer) == 400
    assert closed


TOO_BIG = b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 3000000\r\n\r\n"


def test_a_refused_upload_still_being_sent_ends_cleanly_not_with_a_reset(
    bodies: Server,
) -> None:
    with bodies.connect() as sock:
        sock.sendall(TOO_BIG + b"x" * 65536)
        answer = read_response(sock)
        time.sleep(0.3)

        sock.sendall(b"x" * 65536)
        sock.shutdown(socket.SHUT_WR)
        end = sock.recv(1)

    assert status_of(answer) == 413
    assert b"Connection: close" in answer
    assert end == b""


def test_a_refused_client_that_keeps_sending_is_cut_off(bodies: Server) -> None:
    with bodies.connect() as sock:
        sock.sendall(TOO_BIG)
        answer = read_response(sock)
        deadline = time.monotonic() + 8
        cut_off = False
        while not cut_off and time.monotonic() < deadline:
            try:
                sock.sendall(b"x" * 1024)
            except OSError:
                cut_off = True
            time.sleep(0.05)

    assert status_of(answer) == 413
    assert cut_off
