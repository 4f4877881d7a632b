"""What a proven contract buys at run time: fetch reaches only contract hosts,
the cache only contract namespaces. Contracts here come from the real analyzer
(zigttp.contract) unless a test says it stands in for code the analyzer missed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from . import handlers
from .conftest import StartServer
from .handlers import Server
from .upstream import Upstream

PROVEN_FETCH = """
import { fetch } from "zigttp:fetch";

export function handler(req: Request): Response {
  if (req.path === "/bounce") {
    const bounced = fetch("http://allowed.localhost:PORT/redirect", {
      query: { to: "http://other.localhost:PORT/echo" },
    });
    return Response.json({ status: bounced.status });
  }
  const answer = fetch("http://allowed.localhost:PORT/echo");
  return Response.json({ status: answer.status, echoed: answer.json() });
}
"""

DYNAMIC_FETCH = """
import { fetch } from "zigttp:fetch";

export function handler(req: Request): Response {
  const answer = fetch(req.query.url);
  return Response.json({ status: answer.status });
}
"""

PROVEN_CACHE = """
import { cacheGet, cacheIncr } from "zigttp:cache";

export function handler(req: Request): Response {
  const visits = cacheIncr("visits", "home");
  return Response.json({ visits, last: cacheGet("visits", "home") });
}
"""

DYNAMIC_CACHE = """
import { cacheIncr } from "zigttp:cache";

export function handler(req: Request): Response {
  return Response.json({ count: cacheIncr(req.query.ns, "k") });
}
"""

UNPROVEN_CALLS = """
import { cacheSet } from "zigttp:cache";
import { fetch } from "zigttp:fetch";

export default function handler(request) {
  if (request.path === "/cache") return Response.json(cacheSet("sessions", "k", "v"));
  const answer = fetch("http://other.localhost:PORT/echo");
  return Response.json({ status: answer.status });
}
"""


STATS = """
import { cacheSet, cacheStats } from "zigttp:cache";

export default function handler(request) {
  cacheSet("visits", "k", "v");
  const { hits } = cacheStats("sessions");
  return Response.json({ hits, entries: cacheStats().entries });
}
"""

Serve = Callable[[str], tuple[Server, dict[str, Any]]]


@pytest.fixture
def serve(build_cache: Path, tmp_path: Path) -> Iterator[Serve]:
    """serve(handler.ts source) -> (running server, its contract as JSON)."""
    servers: list[Server] = []

    def start(source: str) -> tuple[Server, dict[str, Any]]:
        folder = tmp_path / f"project-{len(servers)}"
        folder.mkdir()
        path, contract = handlers.project_binary(folder, {"handler.ts": source})
        server = Server(path, ["-q"], handlers.base_env())
        servers.append(server)
        return server, contract

    yield start
    for server in servers:
        server.stop()


def test_a_contract_host_answers(serve: Serve, upstream: Upstream) -> None:
    server, contract = serve(PROVEN_FETCH.replace("PORT", str(upstream.port)))

    answer = httpx.get(server.url + "/")

    assert contract["egress"] == {
        "hosts": [f"allowed.localhost:{upstream.port}"],
        "dynamic": False,
    }
    assert answer.status_code == 200
    assert answer.json()["echoed"]["headers"]["host"] == (
        f"allowed.localhost:{upstream.port}"
    )


def test_a_redirect_to_a_host_outside_the_contract_is_refused(
    serve: Serve, upstream: Upstream
) -> None:
    server, _ = serve(PROVEN_FETCH.replace("PORT", str(upstream.port)))

    answer = httpx.get(server.url + "/bounce")

    assert answer.status_code == 500
    refusal = (
        f"fetch refused: host other.localhost:{upstream.port} is not in the "
        f"handler contract (it allows: allowed.localhost:{upstream.port})"
    )
    assert server.wait_for_log("zigttp-handler: " + refusal)
    assert server.wait_for_log("Error: " + refusal)
    assert [path for _, path in upstream.requests] == [
        f"/redirect?to=http%3A%2F%2Fother.localhost%3A{upstream.port}%2Fecho"
    ]


def test_a_dynamic_egress_handler_may_fetch_any_host(
    serve: Serve, upstream: Upstream
) -> None:
    server, contract = serve(DYNAMIC_FETCH)
    other = f"http://other.localhost:{upstream.port}/echo"

    answer = httpx.get(server.url + "/", params={"url": other})

    assert contract["egress"]["dynamic"] is True
    assert answer.json() == {"status": 200}


def test_proven_cache_namespaces_work(serve: Serve) -> None:
    server, contract = serve(PROVEN_CACHE)

    first = httpx.get(server.url + "/").json()
    second = httpx.get(server.url + "/").json()

    assert contract["cache"] == {"namespaces": ["visits"], "dynamic": False}
    assert (first, second) == ({"visits": 1, "last": "1"}, {"visits": 2, "last": "2"})


def test_a_dynamic_cache_handler_may_use_any_namespace(serve: Serve) -> None:
    server, contract = serve(DYNAMIC_CACHE)

    assert contract["cache"]["dynamic"] is True
    assert httpx.get(server.url + "/", params={"ns": "anything"}).json() == {"count": 1}


# A hand-written contract stands in for code the analyzer did not see: it proves
# other hosts and namespaces than the ones the handler uses.
def test_a_host_the_contract_does_not_list_is_refused(
    start_server: StartServer, upstream: Upstream
) -> None:
    allowed = f"allowed.localhost:{upstream.port}"
    server = start_server(
        UNPROVEN_CALLS.replace("PORT", str(upstream.port)), egress=[allowed], cache=[]
    )

    answer = httpx.get(server.url + "/")

    assert answer.status_code == 500
    assert server.wait_for_log(
        f"fetch refused: host other.localhost:{upstream.port} is not in the handler "
        f"contract (it allows: {allowed})"
    )
    assert upstream.requests == []


def test_a_cache_namespace_the_contract_does_not_list_is_refused(
    start_server: StartServer,
) -> None:
    server = start_server(UNPROVEN_CALLS, egress=[], cache=["visits"])

    answer = httpx.get(server.url + "/cache")

    assert answer.status_code == 500
    assert server.wait_for_log(
        "cacheSet refused: cache namespace sessions is not in the handler contract "
        "(it allows: visits)"
    )


def test_stats_of_any_namespace_stay_readable(start_server: StartServer) -> None:
    server = start_server(STATS, egress=[], cache=["visits"])

    assert httpx.get(server.url + "/").json() == {"hits": 0, "entries": 1}


def test_no_egress_section_means_no_host_is_allowed(
    build_cache: Path, tmp_path: Path, upstream: Upstream
) -> None:
    contract = b'{"version":1,"env":{"names":[],"dynamic":false}}'
    source = UNPROVEN_CALLS.replace("PORT", str(upstream.port))
    server = Server(
        handlers.binary(source, tmp_path, contract), ["-q"], handlers.base_env()
    )
    try:
        assert httpx.get(server.url + "/").status_code == 500
        assert server.wait_for_log("(it allows: none)")
    finally:
        server.stop()
