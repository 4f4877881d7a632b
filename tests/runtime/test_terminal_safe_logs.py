"""Text from clients and handlers is escaped in log lines and errors.

A request target, a cache namespace, a host the contract lists or an env name
may hold characters a terminal acts on: C0 and C1 controls, DEL, bidirectional
marks. They are written as \\xNN or \\uNNNN, bytes that are not UTF-8 as
\\xNN, and a NUL never cuts a name short: env("A\\0B") is not env("A").
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from . import handlers
from .conftest import Launch
from .handlers import Server, exchange, status_of

SOURCE = """
import { cacheSet } from "zigttp:cache";
import { env } from "zigttp:env";
import { fetch } from "zigttp:fetch";

function refusal(call) {
  try {
    call();
    return Response.json({ refused: false });
  } catch (error) {
    return Response.json({ refused: true, message: error.message });
  }
}

export default function handler(request) {
  if (request.path === "/env") {
    return Response.json(request.json().map((name) => env(name) ?? null));
  }
  if (request.path === "/fetch") {
    return refusal(() => fetch("http://other.localhost:1/"));
  }
  if (request.path === "/cache") {
    return refusal(() => cacheSet("ns\\u202e\\u0000x\\u001b[2J", "k", "v"));
  }
  if (request.path.startsWith("/fail")) throw new Error("kaput");
  if (request.path === "/echo-throw") throw new Error(request.query.text);
  return Response.json({ ok: true });
}
"""

ODD_HOSTS = ["evil\u202eexample.com:1", "ok\x1b[2J.example:1"]


@pytest.fixture(scope="module")
def logged(launch: Launch) -> Iterator[Server]:
    yield launch(
        SOURCE,
        env={"A": "secret"},
        env_names=["A"],
        egress=ODD_HOSTS,
        cache=["visits"],
    )


def _get_raw(server: Server, target: bytes) -> int:
    with server.connect() as sock:
        answer = exchange(sock, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    return status_of(answer)


def test_the_access_log_escapes_controls_and_bidi_marks_in_the_path(
    logged: Server,
) -> None:
    status = _get_raw(logged, b"/a\xe2\x80\xaeb\xc2\x85c\xffd\xc3\xa9?q=\xe2\x80\xae")

    assert status == 200
    assert logged.wait_for_log("GET /a\\u202eb\\x85c\\xffd\u00e9 200 ")
    assert "\u202e" not in logged.log()
    assert "\x85" not in logged.log()


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (b"\xe2\x81\xa6", "\\u2066"),
        (b"\xe2\x80\x8b", "\\u200b"),
        (b"\xe2\x80\xa8", "\\u2028"),
        (b"\xd8\x9c", "\\u061c"),
        (b"\xef\xbb\xbf", "\\ufeff"),
        (b"\xc2\x9b", "\\x9b"),
        (b"\xc0\xaf", "\\xc0\\xaf"),
        (b"\xed\xa0\x80", "\\xed\\xa0\\x80"),
    ],
    ids=["isolate", "zero-width", "line-separator", "arabic-mark", "bom", "csi"]
    + ["overlong", "surrogate"],
)
def test_each_active_character_in_a_path_is_logged_as_an_escape(
    logged: Server, raw: bytes, shown: str
) -> None:
    marker = f"/mark-{raw.hex()}-"

    _get_raw(logged, marker.encode() + raw)

    assert logged.wait_for_log(f"GET {marker}{shown} 200 ")


def test_a_failure_line_escapes_the_path(logged: Server) -> None:
    status = _get_raw(logged, b"/fail\xe2\x80\xae\xc2\x9b")

    assert status == 500
    assert logged.wait_for_log(
        "zigttp-handler: GET /fail\\u202e\\x9b: the handler threw: Error: kaput"
    )


def test_a_thrown_message_built_from_the_request_is_escaped(logged: Server) -> None:
    status = _get_raw(logged, b"/echo-throw?text=%1b%5b2J%e2%80%ae")

    assert status == 500
    assert logged.wait_for_log(
        "zigttp-handler: GET /echo-throw: the handler threw: Error: \\x1b[2J\\u202e"
    )


def test_an_env_name_with_a_nul_is_not_the_name_before_it(logged: Server) -> None:
    values = httpx.post(logged.url + "/env", json=["A\u0000B", "A\u0000", "A"])

    assert values.json() == [None, None, "secret"]


def test_a_cache_refusal_escapes_the_namespace(logged: Server) -> None:
    answer = httpx.get(logged.url + "/cache").json()

    message = (
        "cacheSet refused: cache namespace ns\\u202e\\x00x\\x1b[2J is not in the "
        "handler contract (it allows: visits)"
    )
    assert answer["refused"] is True
    assert answer["message"].startswith(message)
    assert logged.wait_for_log("zigttp-handler: " + message)


def test_an_egress_refusal_escapes_the_hosts_the_contract_lists(
    logged: Server,
) -> None:
    answer = httpx.get(logged.url + "/fetch").json()

    message = (
        "fetch refused: host other.localhost:1 is not in the handler contract "
        "(it allows: evil\\u202eexample.com:1, ok\\x1b[2J.example:1)"
    )
    assert answer["refused"] is True
    assert answer["message"].startswith(message)
    assert logged.wait_for_log("zigttp-handler: " + message)
    assert "\x1b" not in logged.log()


def test_missing_env_names_are_escaped_when_the_start_is_refused(
    build_cache: Path, tmp_path: Path
) -> None:
    contract = handlers.contract_json(["BAD\x1b[31mNAME", "NUL\u0000NAME"])
    path = handlers.binary(SOURCE, tmp_path, contract)

    result = handlers.run(path, ["-h", "127.0.0.1", "-p", "0"], handlers.base_env())

    assert result.returncode == 3
    assert result.stderr.decode() == (
        "zigttp-handler: missing environment variables: BAD\\x1b[31mNAME, "
        "NUL\\x00NAME (set them or pass --no-env-check)\n"
    )


def test_an_env_name_with_a_nul_is_missing_even_when_the_name_before_it_is_set(
    build_cache: Path, tmp_path: Path
) -> None:
    contract = handlers.contract_json(["A\u0000B"])
    path = handlers.binary(SOURCE, tmp_path, contract)
    argv = [str(path), "-h", "127.0.0.1", "-p", "0"]

    try:
        result = subprocess.run(
            argv, env={**handlers.base_env(), "A": "1"}, capture_output=True, timeout=3
        )
        stderr = result.stderr.decode()
    except subprocess.TimeoutExpired:
        stderr = "(it started)"

    assert stderr == (
        "zigttp-handler: missing environment variables: A\\x00B "
        "(set them or pass --no-env-check)\n"
    )
