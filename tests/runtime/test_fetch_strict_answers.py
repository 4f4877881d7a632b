"""fetch reads a server's answer strictly: what is not HTTP/1.x fails clearly.

A status that is not three digits, a reason phrase with control characters,
Content-Lengths that disagree or are not plain digits, and versions other
than 1.0 and 1.1 make the fetch fail with status 599 and error "BadResponse";
the handler sees why in `details`. A Transfer-Encoding other than chunked
means the body ends with the connection, whatever Content-Length says.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from . import calls
from .conftest import Launch
from .handlers import Server
from .upstream import Scripted


@pytest.fixture(scope="module")
def fetcher(launch: Launch) -> Iterator[Server]:
    yield launch(calls.caller("fetch"), args=["-q"])


@pytest.fixture(scope="module")
def scripted() -> Iterator[Scripted]:
    """A server on 127.0.0.1; each test sets the answer it gives."""
    server = Scripted(b"")
    yield server
    server.stop()


def _fetch(fetcher: Server, scripted: Scripted, answer: bytes) -> dict[str, object]:
    scripted.answer = answer
    asked = len(scripted.heads)
    result = calls.call(fetcher, "fetch", f"http://127.0.0.1:{scripted.port}/x")
    assert isinstance(result, dict), result
    assert len(scripted.heads) == asked + 1
    return result


def _chunked(body: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body


@pytest.mark.parametrize(
    ("answer", "details"),
    [
        (
            b"HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok",
            "the server's status is not three digits",
        ),
        (
            b"HTTP/1.1 2001\r\nContent-Length: 2\r\n\r\nok",
            "the server's status is not three digits",
        ),
        (
            b"HTTP/1.1 200 O\x1b[31mK\r\nContent-Length: 2\r\n\r\nok",
            "the server's reason phrase has control characters",
        ),
        (
            b"HTTP/1.1 200 OK\x00\r\nContent-Length: 2\r\n\r\nok",
            "the server's reason phrase has control characters",
        ),
        (
            b"HTTP/1.1 200 O\rK\r\nContent-Length: 2\r\n\r\nok",
            "the server's reason phrase has control characters",
        ),
        (
            b"HTTP/1.1 200 OK\x7f\r\nContent-Length: 2\r\n\r\nok",
            "the server's reason phrase has control characters",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nokk",
            "the server sent two different Content-Lengths",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nok",
            "the server's Content-Length is not a length",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok",
            "the server's Content-Length is not a length",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nok",
            "the server's Content-Length is not a length",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok",
            "the server's Content-Length is not a length",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\nok",
            "the server's Content-Length is not a length",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000000000000\r\n\r\nok",
            "the server's Content-Length is not a length",
        ),
        (
            b"HTTP/1.7 200 OK\r\nContent-Length: 2\r\n\r\nok",
            "the server did not answer with HTTP/1.x",
        ),
        (
            b"HTTP/1.x 200 OK\r\nContent-Length: 2\r\n\r\nok",
            "the server did not answer with HTTP/1.x",
        ),
        (
            _chunked(b"1;" + b"e" * 16385 + b"\r\nx\r\n0\r\n\r\n"),
            "the server's chunk extensions are over the limit",
        ),
        (
            _chunked(b"1\r\nx\r\n0\r\nX-T: " + b"t" * 32768 + b"\r\n\r\n"),
            "the server's chunked trailer is over the limit",
        ),
        (
            _chunked(b"1\r\nx\r\n0\r\nX-A: 1\nX-B: 2\r\n\r\n"),
            "the server's chunked body is malformed",
        ),
    ],
    ids=[
        "four-digit-status",
        "four-digit-status-alone",
        "escape-in-reason",
        "nul-in-reason",
        "carriage-return-in-reason",
        "del-in-reason",
        "two-lengths",
        "length-with-letters",
        "length-with-plus",
        "negative-length",
        "length-list",
        "empty-length",
        "nineteen-digit-length",
        "http-1.7",
        "http-1.x",
        "long-chunk-extensions",
        "long-trailer",
        "bare-lf-in-trailer",
    ],
)
def test_a_malformed_answer_fails_the_fetch_with_the_reason(
    fetcher: Server, scripted: Scripted, answer: bytes, details: str
) -> None:
    result = _fetch(fetcher, scripted, answer)

    assert result["status"] == 599
    assert result["error"] == "BadResponse"
    assert result["details"] == details


def test_the_failure_is_logged_with_the_server_and_the_reason(
    fetcher: Server, scripted: Scripted
) -> None:
    _fetch(fetcher, scripted, b"HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok")

    assert fetcher.wait_for_log(
        f"zigttp-handler: fetch to 127.0.0.1:{scripted.port} failed (BadResponse): "
        "the server's status is not three digits"
    )


@pytest.mark.parametrize(
    ("answer", "status", "status_text", "body"),
    [
        (
            b"HTTP/1.1 200 All\tgood\r\nContent-Length: 2\r\n\r\nok",
            200,
            "All\tgood",
            "ok",
        ),
        (b"HTTP/1.1 201\r\nContent-Length: 2\r\n\r\nok", 201, "Created", "ok"),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, "OK", "ok"),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok",
            200,
            "OK",
            "ok",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 007\r\n\r\nsevenxy",
            200,
            "OK",
            "sevenxy",
        ),
        (_chunked(b"2;" + b"e" * 16384 + b"\r\nok\r\n0\r\n\r\n"), 200, "OK", "ok"),
    ],
    ids=[
        "tab-in-reason",
        "no-reason",
        "http-1.0",
        "same-length-twice",
        "leading-zeros",
        "extensions-at-the-limit",
    ],
)
def test_well_formed_answers_are_still_read(
    fetcher: Server,
    scripted: Scripted,
    answer: bytes,
    status: int,
    status_text: str,
    body: str,
) -> None:
    result = _fetch(fetcher, scripted, answer)

    assert (result["status"], result["statusText"], result["body"]) == (
        status,
        status_text,
        body,
    )


@pytest.mark.parametrize(
    "encoding_and_length",
    [
        b"Transfer-Encoding: identity\r\nContent-Length: 5\r\n",
        b"Content-Length: 5\r\nTransfer-Encoding: gzip\r\n",
        b"Transfer-Encoding: identity\r\nContent-Length: not-a-number\r\n",
        b"Transfer-Encoding: chunked, gzip\r\nContent-Length: 5\r\n",
    ],
    ids=["identity", "gzip-after-length", "bad-length-ignored", "chunked-not-last"],
)
def test_a_transfer_encoding_other_than_chunked_is_read_to_the_close(
    fetcher: Server, scripted: Scripted, encoding_and_length: bytes
) -> None:
    answer = b"HTTP/1.1 200 OK\r\n" + encoding_and_length + b"\r\nhello, world"

    result = _fetch(fetcher, scripted, answer)

    assert (result["status"], result["body"]) == (200, "hello, world")
