"""Headers called "get" or "has" do not hide headers.get() and headers.has().

Header names come from the client (request headers) or from a server fetch
talks to (response headers). As plain properties these two would replace the
methods; the runtime keeps them where only get() and has() look.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from .conftest import StartServer
from .handlers import body_of, exchange, status_of
from .upstream import Scripted

REQUEST_HEADERS = """
export default function handler(request) {
  const headers = request.headers;
  return Response.json({
    methods: [typeof headers.get, typeof headers.has],
    get: headers.get("get"),
    has: headers.get("HAS"),
    hasGet: headers.has("Get"),
    hasHas: headers.has("has"),
    host: headers.get("host"),
    missing: headers.has("x-missing"),
  });
}
"""

FETCHED_HEADERS = """
import { fetch } from "zigttp:fetch";

export default function handler(request) {
  const answer = fetch(request.json().url);
  const headers = answer.headers;
  return Response.json({
    methods: [typeof headers.get, typeof headers.has],
    get: headers.get("get"),
    has: headers.get("has"),
    hasGet: headers.has("GET"),
    length: headers.get("content-length"),
    text: answer.text(),
  });
}
"""


@pytest.fixture
def scripted_get_has() -> Iterator[Scripted]:
    server = Scripted(
        b"HTTP/1.1 200 OK\r\nGet: from-upstream\r\nHas: 1\r\nHas: 2\r\n"
        b"Content-Length: 2\r\n\r\nok"
    )
    yield server
    server.stop()


def test_request_headers_named_get_and_has_keep_the_methods(
    start_server: StartServer,
) -> None:
    server = start_server(REQUEST_HEADERS, args=["-q"])

    with server.connect() as sock:
        answer = exchange(
            sock,
            b"GET / HTTP/1.1\r\nHost: here\r\nGet: g-value\r\nHas: h-value\r\n\r\n",
        )

    assert status_of(answer) == 200
    assert httpx.Response(200, content=body_of(answer)).json() == {
        "methods": ["function", "function"],
        "get": "g-value",
        "has": "h-value",
        "hasGet": True,
        "hasHas": True,
        "host": "here",
        "missing": False,
    }


def test_repeated_request_headers_named_get_are_joined(
    start_server: StartServer,
) -> None:
    server = start_server(REQUEST_HEADERS, args=["-q"])

    with server.connect() as sock:
        answer = exchange(
            sock, b"GET / HTTP/1.1\r\nHost: here\r\nget: a\r\nGET: b\r\n\r\n"
        )

    data = httpx.Response(200, content=body_of(answer)).json()
    assert data["get"] == "a, b"
    assert data["hasHas"] is False


def test_fetched_headers_named_get_and_has_keep_the_methods(
    start_server: StartServer, scripted_get_has: Scripted
) -> None:
    server = start_server(FETCHED_HEADERS, args=["-q"])
    url = f"http://127.0.0.1:{scripted_get_has.port}/"

    answer = httpx.post(server.url + "/", json={"url": url}, timeout=10)

    assert answer.json() == {
        "methods": ["function", "function"],
        "get": "from-upstream",
        "has": "1, 2",
        "hasGet": True,
        "length": "2",
        "text": "ok",
    }
