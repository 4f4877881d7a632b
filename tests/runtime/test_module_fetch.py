"""zigttp:fetch: synchronous http fetch, redirects, limits, timeouts, retries."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from . import calls
from .calls import Threw
from .conftest import Launch, StartServer
from .handlers import Server
from .upstream import Upstream

READ = """
import { fetch } from "zigttp:fetch";

export default function handler(request) {
  const { url, init } = request.json();
  const answer = fetch(url, init);
  return Response.json({
    status: answer.status,
    ok: answer.ok,
    type: answer.headers.get("Content-Type"),
    missing: answer.headers.get("X-Not-There"),
    json: answer.status === 200 ? answer.json() : null,
    text: answer.text().length,
    isResponse: answer instanceof Response,
  });
}
"""

PROXY = """
import { fetch } from "zigttp:fetch";

export default function handler(request) {
  return fetch(request.json().url);
}
"""


@pytest.fixture(scope="module")
def fetcher(launch: Launch) -> Iterator[Server]:
    yield launch(calls.caller("fetch"), args=["-q"])


def _fetch(server: Server, url: str, init: dict | None = None) -> object:
    return calls.call(server, "fetch", url, init)


def _answer(server: Server, url: str, init: dict | None = None) -> dict:
    answer = _fetch(server, url, init)
    assert isinstance(answer, dict), answer
    return answer


def test_get_sends_query_headers_and_defaults(
    fetcher: Server, upstream: Upstream
) -> None:
    url = f"http://localhost:{upstream.port}/echo?a=1"
    init = {"query": {"b": "x y", "n": 2, "flag": True}, "headers": {"X-Trace": "t-1"}}

    answer = _answer(fetcher, url, init)

    assert answer["status"] == 200
    assert answer["statusText"] == "OK"
    assert answer["url"] == url + "&b=x%20y&n=2&flag=true"
    assert answer["redirected"] is False
    echoed = httpx.Response(200, content=answer["body"]).json()
    assert echoed["method"] == "GET"
    assert echoed["path"] == "/echo?a=1&b=x%20y&n=2&flag=true"
    assert echoed["headers"]["host"] == f"localhost:{upstream.port}"
    assert echoed["headers"]["x-trace"] == "t-1"
    assert echoed["headers"]["user-agent"] == "zigttp"
    assert echoed["headers"]["connection"] == "close"


def test_headers_the_connection_sets_cannot_be_overridden(
    fetcher: Server, upstream: Upstream
) -> None:
    init = {
        "headers": {
            "Host": "evil.example",
            "Content-Length": "999",
            "Connection": "keep-alive",
            "Accept-Encoding": "gzip",
            "User-Agent": "mine",
        }
    }

    answer = _answer(fetcher, f"http://localhost:{upstream.port}/echo", init)

    echoed = json.loads(answer["body"])["headers"]
    assert echoed["host"] == f"localhost:{upstream.port}"
    assert echoed["connection"] == "close"
    assert echoed["user-agent"] == "mine"
    assert "content-length" not in echoed
    assert "accept-encoding" not in echoed


@pytest.mark.parametrize("method", ["POST", "put", "DELETE"])
def test_method_and_body_are_sent(
    fetcher: Server, upstream: Upstream, method: str
) -> None:
    init = {
        "method": method,
        "body": '{"amount":100}',
        "headers": {"Content-Type": "application/json"},
    }

    answer = _answer(fetcher, f"http://localhost:{upstream.port}/echo", init)

    echoed = httpx.Response(200, content=answer["body"]).json()
    assert echoed["method"] == method.upper()
    assert echoed["body"] == '{"amount":100}'
    assert echoed["headers"]["content-type"] == "application/json"
    assert echoed["headers"]["content-length"] == "14"


def test_response_reads_like_a_response(launch: Launch, upstream: Upstream) -> None:
    server = launch(READ, args=["-q"])
    body = {"url": f"http://localhost:{upstream.port}/echo", "init": None}

    answer = httpx.post(server.url + "/", json=body).json()

    assert answer["status"] == 200
    assert answer["ok"] is True
    assert answer["type"] == "application/json"
    assert answer["missing"] is None
    assert answer["json"]["path"] == "/echo"
    assert answer["text"] > 10
    assert answer["isResponse"] is True


def test_a_fetched_response_can_be_returned_as_it_is(
    start_server: StartServer, upstream: Upstream
) -> None:
    server = start_server(PROXY, args=["-q"])

    teapot = httpx.post(
        server.url + "/", json={"url": f"http://localhost:{upstream.port}/status/418"}
    )

    assert teapot.status_code == 418
    assert teapot.headers["content-type"] == "application/json"
    assert teapot.json() == {"status": 418}


@pytest.mark.parametrize(
    "route", ["/chunked?n=5000", "/unframed?n=5000", "/bytes?n=5000"]
)
def test_every_body_framing_is_read_whole(
    fetcher: Server, upstream: Upstream, route: str
) -> None:
    answer = _answer(fetcher, f"http://localhost:{upstream.port}{route}")

    assert answer["status"] == 200
    assert answer["body"] == "x" * 5000


def test_head_has_no_body(fetcher: Server, upstream: Upstream) -> None:
    answer = _answer(
        fetcher, f"http://localhost:{upstream.port}/bytes?n=10", {"method": "HEAD"}
    )

    assert (answer["status"], answer["body"]) == (200, "")
    assert answer["headers"]["content-length"] == "10"


def _redirect(upstream: Upstream, to: str, code: int = 302) -> str:
    return f"http://localhost:{upstream.port}/redirect?to={to}&code={code}"


def test_redirects_are_followed(fetcher: Server, upstream: Upstream) -> None:
    answer = _answer(fetcher, _redirect(upstream, "/echo%3Ffrom%3Dredirect"))

    assert answer["status"] == 200
    assert answer["redirected"] is True
    assert answer["url"] == f"http://localhost:{upstream.port}/echo?from=redirect"


@pytest.mark.parametrize(
    ("code", "method", "body"),
    [(303, "GET", ""), (302, "GET", ""), (307, "POST", "data"), (308, "POST", "data")],
)
def test_a_redirected_post_keeps_its_method_only_for_307_and_308(
    fetcher: Server, upstream: Upstream, code: int, method: str, body: str
) -> None:
    init = {"method": "POST", "body": "data"}

    answer = _answer(fetcher, _redirect(upstream, "/echo", code), init)

    echoed = httpx.Response(200, content=answer["body"]).json()
    assert (echoed["method"], echoed["body"]) == (method, body)


def test_credentials_do_not_follow_a_redirect_to_another_host(
    fetcher: Server, upstream: Upstream
) -> None:
    elsewhere = f"http://127.0.0.1:{upstream.port}/echo"
    init = {"headers": {"Authorization": "Bearer t", "X-Keep": "1"}}

    answer = _answer(fetcher, _redirect(upstream, elsewhere), init)

    headers = httpx.Response(200, content=answer["body"]).json()["headers"]
    assert "authorization" not in headers
    assert headers["x-keep"] == "1"


def test_manual_and_error_redirect_modes(fetcher: Server, upstream: Upstream) -> None:
    manual = _answer(fetcher, _redirect(upstream, "/echo"), {"redirect": "manual"})
    refused = _answer(fetcher, _redirect(upstream, "/echo"), {"redirect": "error"})

    assert (manual["status"], manual["headers"]["location"]) == (302, "/echo")
    assert (refused["status"], refused["error"]) == (599, "RedirectNotAllowed")


def test_redirect_loops_stop(fetcher: Server, upstream: Upstream) -> None:
    answer = _answer(fetcher, f"http://localhost:{upstream.port}/loop")

    assert (answer["status"], answer["error"]) == (599, "TooManyRedirects")
    assert upstream.hits["/loop"] == 6


@pytest.mark.parametrize(
    ("route", "option"),
    [
        ("/bytes?n=2000", "maxResponseBytes"),
        ("/chunked?n=5000", "maxResponseBytes"),
        ("/unframed?n=5000", "maxResponseBytes"),
        ("/bytes?n=2000", "max_response_bytes"),
    ],
    ids=["content-length", "chunked", "unframed", "snake-case-option"],
)
def test_answers_over_the_size_limit_fail_clearly(
    fetcher: Server, upstream: Upstream, route: str, option: str
) -> None:
    answer = _answer(
        fetcher, f"http://localhost:{upstream.port}{route}", {option: 1000}
    )

    assert answer["status"] == 599
    assert answer["error"] == "ResponseTooLarge"
    assert "1000 byte limit" in answer["details"]


def test_an_answer_exactly_at_the_limit_is_read(
    fetcher: Server, upstream: Upstream
) -> None:
    answer = _answer(
        fetcher,
        f"http://localhost:{upstream.port}/bytes?n=1000",
        {"maxResponseBytes": 1000},
    )

    assert (answer["status"], len(answer["body"])) == (200, 1000)


def test_a_silent_server_times_out(fetcher: Server, upstream: Upstream) -> None:
    started = time.monotonic()

    answer = _answer(
        fetcher, f"http://localhost:{upstream.port}/slow?seconds=3", {"timeoutMs": 300}
    )

    assert time.monotonic() - started < 2
    assert (answer["status"], answer["error"]) == (599, "TimedOut")
    assert "timeout 300 ms" in answer["details"]


def test_a_fetch_ends_with_the_handler_deadline(
    start_server: StartServer, upstream: Upstream
) -> None:
    server = start_server(calls.caller("fetch"), args=["--handler-timeout", "1"])
    started = time.monotonic()

    answer = httpx.post(
        server.url + "/",
        json={
            "call": "fetch",
            "args": [f"http://localhost:{upstream.port}/slow?seconds=4"],
        },
        timeout=10,
    )

    assert answer.status_code == 504
    assert time.monotonic() - started < 2.5
    assert server.wait_for_log("the handler's own time ran out first")
    assert server.wait_for_log("the handler ran longer than 1 s and was interrupted")


def test_refused_connection_is_a_599(fetcher: Server) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    answer = _answer(fetcher, f"http://localhost:{port}/")

    assert (answer["status"], answer["error"]) == (599, "ConnectFailed")
    assert "refused" in answer["details"].lower()


def test_connect_timeout_is_separate(fetcher: Server) -> None:
    with socket.socket() as full:
        full.bind(("127.0.0.1", 0))
        full.listen(0)
        port = full.getsockname()[1]
        # Fill the backlog so the next connection attempt waits unanswered.
        waiting = [socket.socket() for _ in range(4)]
        for each in waiting:
            each.setblocking(False)
            each.connect_ex(("127.0.0.1", port))
        try:
            started = time.monotonic()
            answer = _answer(
                fetcher, f"http://localhost:{port}/", {"connectTimeoutMs": 300}
            )
            took = time.monotonic() - started
        finally:
            for each in waiting:
                each.close()

    assert (answer["status"], answer["error"]) == (599, "TimedOut")
    assert "connecting" in answer["details"]
    assert took < 2


@pytest.mark.parametrize(
    ("url", "init", "message"),
    [
        ("", None, "needs a URL"),
        ("/relative", None, "not absolute"),
        ("ftp://localhost/x", None, "only http:// and https://"),
        ("http://user:pw@localhost/", None, "credentials in the URL"),
        ("http://bad host/", None, "host"),
        ("http://localhost:99999/", None, "port"),
        ("http://localhost/", {"body": {"a": 1}}, "body must be a string"),
        ("http://localhost/", {"method": "GE T"}, "not a valid HTTP method"),
        ("http://localhost/", {"headers": {"X-A": "a\r\nInjected: 1"}}, "line break"),
        ("http://localhost/", {"redirect": "sometimes"}, "redirect must be"),
        ("http://localhost/", {"timeoutMs": -1}, "positive number"),
    ],
    ids=[
        "empty",
        "relative",
        "scheme",
        "credentials",
        "space-in-host",
        "port",
        "body-object",
        "method",
        "header-injection",
        "redirect-mode",
        "timeout",
    ],
)
def test_bad_arguments_throw_type_errors(
    fetcher: Server, url: str, init: dict | None, message: str
) -> None:
    thrown = _fetch(fetcher, url, init)

    assert isinstance(thrown, Threw)
    assert thrown.name == "TypeError"
    assert message in thrown.message


def _retry(server: Server, url: str, retry: dict | None) -> object:
    return calls.call(server, "fetchWithRetry", url, None, retry)


def test_fetch_with_retry_retries_until_success(
    fetcher: Server, upstream: Upstream
) -> None:
    answer = _retry(
        fetcher, f"http://localhost:{upstream.port}/flaky?fail=2", {"baseDelayMs": 10}
    )

    assert isinstance(answer, dict) and answer["status"] == 200
    assert upstream.hits["/flaky?fail=2"] == 3


@pytest.mark.parametrize(
    ("route", "retry", "status", "hits"),
    [
        ("/status/500", {"maxRetries": 2, "baseDelayMs": 1}, 500, 3),
        ("/status/404", {"baseDelayMs": 1}, 404, 1),
        ("/status/404", {"baseDelayMs": 1, "maxRetries": 1, "retryOn": [404]}, 404, 2),
        ("/status/503", {"maxRetries": 0}, 503, 1),
    ],
    ids=["gives-up", "not-retryable", "custom-retry-on", "no-retries"],
)
def test_fetch_with_retry_is_bounded(
    fetcher: Server, upstream: Upstream, route: str, retry: dict, status: int, hits: int
) -> None:
    answer = _retry(fetcher, f"http://localhost:{upstream.port}{route}", retry)

    assert isinstance(answer, dict) and answer["status"] == status
    assert upstream.hits[route] == hits


@pytest.mark.parametrize(
    ("retry", "message"),
    [
        ({"maxRetries": 11}, "maxRetries must be <= 10"),
        ({"baseDelayMs": 5001}, "baseDelayMs must be <= 5000"),
        ({"maxDelayMs": 30001}, "maxDelayMs must be <= 30000"),
    ],
)
def test_fetch_with_retry_refuses_unbounded_waits(
    fetcher: Server, retry: dict, message: str
) -> None:
    thrown = _retry(fetcher, "http://localhost:1/", retry)

    assert thrown == Threw("TypeError", f"fetchWithRetry() {message}")


def test_retry_waits_end_with_the_handler_deadline(
    start_server: StartServer, upstream: Upstream
) -> None:
    server = start_server(calls.caller("fetch"), args=["--handler-timeout", "1"])
    retry = {"maxRetries": 5, "baseDelayMs": 5000, "maxDelayMs": 30000}
    started = time.monotonic()

    answer = httpx.post(
        server.url + "/",
        json={
            "call": "fetchWithRetry",
            "args": [f"http://localhost:{upstream.port}/status/503", None, retry],
        },
        timeout=10,
    )

    assert answer.status_code == 504
    assert time.monotonic() - started < 2.5
    assert upstream.hits["/status/503"] == 1
