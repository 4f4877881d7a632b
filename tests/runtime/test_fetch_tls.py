"""https fetch: certificates checked against SSL_CERT_FILE or the built-in roots."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from . import calls
from .conftest import TLS_HOST, StartServer, TlsFiles
from .upstream import Upstream


def _fetch(start_server: StartServer, env: dict[str, str], url: str) -> dict:
    server = start_server(calls.caller("fetch"), args=["-q"], env=env)
    answer = calls.call(server, "fetch", url)
    assert isinstance(answer, dict), answer
    return answer


def test_https_to_a_server_signed_by_the_trusted_ca_works(
    start_server: StartServer, tls_files: TlsFiles, tls_upstream: Upstream
) -> None:
    env = {"SSL_CERT_FILE": str(tls_files.trusted)}

    answer = _fetch(start_server, env, f"https://{TLS_HOST}:{tls_upstream.port}/echo")

    assert answer["status"] == 200
    echoed = json.loads(answer["body"])
    assert echoed["headers"]["host"] == f"{TLS_HOST}:{tls_upstream.port}"


def test_post_over_https_sends_its_body(
    start_server: StartServer, tls_files: TlsFiles, tls_upstream: Upstream
) -> None:
    server = start_server(
        calls.caller("fetch"),
        args=["-q"],
        env={"SSL_CERT_FILE": str(tls_files.trusted)},
    )
    url = f"https://{TLS_HOST}:{tls_upstream.port}/echo"

    answer = calls.call(server, "fetch", url, {"method": "POST", "body": "x" * 40000})

    assert isinstance(answer, dict)
    assert json.loads(answer["body"])["body"] == "x" * 40000


@pytest.mark.parametrize(
    ("trust", "host", "reason"),
    [
        ("other", TLS_HOST, "not signed by a trusted certificate authority"),
        ("trusted", "wrong.localhost", "certificate is for another host"),
        ("default", TLS_HOST, "not signed by a trusted certificate authority"),
    ],
    ids=["wrong-ca", "wrong-host", "default-roots"],
)
def test_certificates_that_do_not_verify_fail_clearly(
    start_server: StartServer,
    tls_files: TlsFiles,
    tls_upstream: Upstream,
    trust: str,
    host: str,
    reason: str,
) -> None:
    env = (
        {} if trust == "default" else {"SSL_CERT_FILE": str(getattr(tls_files, trust))}
    )

    answer = _fetch(start_server, env, f"https://{host}:{tls_upstream.port}/echo")

    assert answer["status"] == 599
    assert answer["error"] == "TlsFailed"
    assert reason in answer["details"]
    assert tls_upstream.requests == []


def test_an_unreadable_ssl_cert_file_is_named(
    start_server: StartServer, tls_upstream: Upstream, tmp_path
) -> None:
    empty = tmp_path / "empty.pem"
    empty.write_text("no certificates here\n")

    answer = _fetch(
        start_server,
        {"SSL_CERT_FILE": str(empty)},
        f"https://{TLS_HOST}:{tls_upstream.port}/echo",
    )

    assert answer["error"] == "TlsFailed"
    assert f"SSL_CERT_FILE={empty} holds no usable certificate" in answer["details"]


def test_plain_http_to_a_tls_server_fails_without_hanging(
    start_server: StartServer, tls_files: TlsFiles, tls_upstream: Upstream
) -> None:
    server = start_server(calls.caller("fetch"), args=["-q"])
    url = f"http://{TLS_HOST}:{tls_upstream.port}/echo"

    answer = calls.call(server, "fetch", url, {"timeoutMs": 2000})

    assert isinstance(answer, dict) and answer["status"] == 599


def test_the_built_in_roots_are_in_the_binary(start_server: StartServer) -> None:
    server = start_server("export default () => Response.text('ok')", args=["-q"])

    binary = server.process.args[0]
    with open(binary, "rb") as file:
        content = file.read()

    assert content.count(b"-----BEGIN CERTIFICATE-----") > 100
    assert httpx.get(server.url + "/").text == "ok"


def test_engines_fetch_over_tls_at_the_same_time(
    start_server: StartServer, tls_files: TlsFiles, tls_upstream: Upstream
) -> None:
    server = start_server(
        calls.caller("fetch"),
        args=["-q"],
        env={"SSL_CERT_FILE": str(tls_files.trusted)},
    )
    url = f"https://{TLS_HOST}:{tls_upstream.port}/echo"

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: calls.call(server, "fetch", url), range(24)))

    assert [answer["status"] for answer in answers] == [200] * 24  # type: ignore[index]
    assert len(tls_upstream.requests) == 24
