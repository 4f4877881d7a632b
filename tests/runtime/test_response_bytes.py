"""What a handler's text becomes on the wire: well-formed UTF-8 bodies and
header values a strict client accepts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .conftest import Launch
from .handlers import Server, body_of, exchange, status_of

SOURCE = r"""
const cases = {
  "/lone": () => Response.text("a\ud800b\udfffc"),
  "/pair": () => Response.text("\ud83d\ude00"),
  "/control": () => Response.text("x", { headers: { "x-a": "a\u0001b" } }),
  "/delete": () => Response.text("x", { headers: { "x-a": "a\u007fb" } }),
  "/tab": () => Response.text("x", { headers: { "x-a": "a\tb" } }),
};
export default function handler(request) {
  return cases[request.path]();
}
"""


@pytest.fixture(scope="module")
def served(launch: Launch) -> Iterator[Server]:
    yield launch(SOURCE)


def _get(server: Server, path: str) -> bytes:
    with server.connect(timeout=5) as sock:
        return exchange(sock, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())


def test_a_lone_surrogate_is_sent_as_the_replacement_character(served: Server) -> None:
    answer = _get(served, "/lone")

    assert body_of(answer) == b"a\xef\xbf\xbdb\xef\xbf\xbdc"


def test_a_surrogate_pair_is_sent_as_its_character(served: Server) -> None:
    answer = _get(served, "/pair")

    assert body_of(answer) == "\U0001f600".encode()


@pytest.mark.parametrize("path", ["/control", "/delete"])
def test_a_header_value_with_a_control_character_is_refused(
    served: Server, path: str
) -> None:
    answer = _get(served, path)

    assert status_of(answer) == 500
    assert served.wait_for_log("header x-a is not a valid HTTP header")


def test_a_tab_in_a_header_value_is_sent(served: Server) -> None:
    answer = _get(served, "/tab")

    assert status_of(answer) == 200
    assert b"\r\nx-a: a\tb\r\n" in answer.lower()
