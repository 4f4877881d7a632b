"""What status a handler's Response may have, and which statuses carry a body.

A handler's answer is final: statuses outside 200-599 are refused (1xx are
the server's to send). 204, 205 and 304 never carry a body: one given a body
is refused, 205 says "Content-Length: 0", 204 and 304 have no Content-Length.
The Response constructors refuse the same mistakes where they are made.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from .conftest import Launch
from .handlers import Server, body_of, closed_by_peer, exchange, status_of

STATUSES = """
function forced(status, body) {
  const response = new Response("");
  response.status = status;
  if (body !== undefined) response.body = body;
  return response;
}

const cases = {
  "/status": (q) => forced(Number(q.status)),
  "/text-body": (q) => forced(Number(q.status), "x"),
  "/bytes-body": (q) => forced(Number(q.status), new Uint8Array(1)),
  "/empty-bytes": (q) => forced(Number(q.status), new Uint8Array(0)),
  "/null-body": (q) => forced(Number(q.status), null),
  "/bodyless": (q) =>
    new Response(null, { status: Number(q.status), headers: { ETag: '"v1"' } }),
};

export default function handler(request) {
  if (request.path === "/construct") {
    try {
      const made = CONSTRUCTORS[request.query.call]();
      return Response.json({ status: made.status, body: made.body });
    } catch (error) {
      return Response.json({ threw: error.name, message: error.message });
    }
  }
  return cases[request.path](request.query);
}

const CONSTRUCTORS = {
  status101: () => new Response(null, { status: 101 }),
  status199: () => new Response("", { status: 199 }),
  status600: () => Response.text("x", { status: 600 }),
  status100: () => Response.json(null, { status: 100 }),
  status204Text: () => new Response("x", { status: 204 }),
  status205Json: () => Response.json({}, { status: 205 }),
  status304Html: () => Response.html("<p>", { status: 304 }),
  status204Bytes: () => new Response(new Uint8Array(2), { status: 204 }),
  status204Empty: () => new Response("", { status: 204 }),
  status205Null: () => new Response(null, { status: 205 }),
  status304EmptyBytes: () => new Response(new ArrayBuffer(0), { status: 304 }),
  status200: () => new Response("fine", { status: 200 }),
  status599: () => new Response("last", { status: 599 }),
};
"""


@pytest.fixture(scope="module")
def statuses(launch: Launch) -> Iterator[Server]:
    yield launch(STATUSES)


def _get(server: Server, target: str) -> bytes:
    with server.connect(timeout=5) as sock:
        return exchange(sock, f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode())


@pytest.mark.parametrize("status", [100, 101, 103, 199, 600, 999, 0, -200])
def test_a_status_that_is_not_final_gives_500(statuses: Server, status: int) -> None:
    answer = _get(statuses, f"/status?status={status}")

    assert status_of(answer) == 500
    assert b'"error":"internal_error"' in body_of(answer)
    assert statuses.wait_for_log(
        f"zigttp-handler: GET /status: the handler's answer cannot be sent: "
        f"its status {status} is not a final HTTP status (200-599)"
    )


@pytest.mark.parametrize(
    ("status", "shown"), [(2**32 + 200, "4294967496"), ("200.9", "200.9")]
)
def test_a_status_is_not_wrapped_or_truncated_into_the_range(
    statuses: Server, status: object, shown: str
) -> None:
    answer = _get(statuses, f"/status?status={status}")

    assert status_of(answer) == 500
    assert statuses.wait_for_log(f"its status {shown} is not a final HTTP status")


@pytest.mark.parametrize("status", [200, 599])
def test_the_ends_of_the_final_range_are_sent(statuses: Server, status: int) -> None:
    answer = _get(statuses, f"/status?status={status}")

    assert status_of(answer) == status


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/text-body", 204),
        ("/text-body", 205),
        ("/text-body", 304),
        ("/bytes-body", 204),
        ("/bytes-body", 304),
    ],
)
def test_a_bodyless_status_given_a_body_gives_500(
    statuses: Server, path: str, status: int
) -> None:
    answer = _get(statuses, f"{path}?status={status}")

    assert status_of(answer) == 500
    assert statuses.wait_for_log(
        f"zigttp-handler: GET {path}: the handler's answer cannot be sent: "
        f"status {status} cannot carry a body, and it has one"
    )


@pytest.mark.parametrize("path", ["/empty-bytes", "/null-body"])
def test_an_empty_body_is_no_body(statuses: Server, path: str) -> None:
    answer = _get(statuses, f"{path}?status=204")

    assert status_of(answer) == 204


@pytest.mark.parametrize("status", [204, 304])
def test_204_and_304_end_at_the_blank_line_without_a_length(
    statuses: Server, status: int
) -> None:
    with statuses.connect(timeout=5) as sock:
        answer = exchange(
            sock, f"GET /bodyless?status={status} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        )
        after = exchange(sock, b"GET /status?status=200 HTTP/1.1\r\nHost: x\r\n\r\n")

    head = answer.partition(b"\r\n\r\n")[0].lower()
    assert status_of(answer) == status
    assert b"content-length" not in head
    assert b'etag: "v1"' in head
    assert body_of(answer) == b""
    assert status_of(after) == 200


def test_205_says_its_length_is_0(statuses: Server) -> None:
    with statuses.connect(timeout=5) as sock:
        answer = exchange(sock, b"GET /bodyless?status=205 HTTP/1.1\r\nHost: x\r\n\r\n")
        after = exchange(sock, b"GET /status?status=200 HTTP/1.1\r\nHost: x\r\n\r\n")
        still_open = not closed_by_peer(sock, timeout=0.2)

    assert answer.startswith(b"HTTP/1.1 205 Reset Content\r\n")
    assert b"\r\nContent-Length: 0\r\n" in answer
    assert body_of(answer) == b""
    assert status_of(after) == 200
    assert still_open


@pytest.mark.parametrize(
    ("call", "thrown"),
    [
        ("status101", ("RangeError", "Response status must be 200-599, got 101")),
        ("status199", ("RangeError", "Response status must be 200-599, got 199")),
        ("status600", ("RangeError", "Response status must be 200-599, got 600")),
        ("status100", ("RangeError", "Response status must be 200-599, got 100")),
        ("status204Text", ("TypeError", "Response with status 204 cannot have a body")),
        ("status205Json", ("TypeError", "Response with status 205 cannot have a body")),
        ("status304Html", ("TypeError", "Response with status 304 cannot have a body")),
        (
            "status204Bytes",
            ("TypeError", "Response with status 204 cannot have a body"),
        ),
    ],
)
def test_the_constructors_refuse_what_cannot_be_sent(
    statuses: Server, call: str, thrown: tuple[str, str]
) -> None:
    answer = httpx.get(statuses.url + "/construct", params={"call": call}, timeout=5)

    assert answer.json() == {"threw": thrown[0], "message": thrown[1]}


@pytest.mark.parametrize(
    ("call", "status"),
    [
        ("status204Empty", 204),
        ("status205Null", 205),
        ("status304EmptyBytes", 304),
        ("status200", 200),
        ("status599", 599),
    ],
)
def test_the_constructors_accept_final_statuses_without_bodies_where_needed(
    statuses: Server, call: str, status: int
) -> None:
    answer = httpx.get(statuses.url + "/construct", params={"call": call}, timeout=5)

    assert answer.json()["status"] == status
