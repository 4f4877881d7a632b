"""The request and Response a handler sees, as users write them."""

from __future__ import annotations

import json

import httpx
import pytest

from .conftest import StartServer

ROUTES = """
export default function handler(request) {
  if (request.path === "/health") return Response.json({ ok: true });
  if (request.path === "/users") {
    return Response.json({ users: ["ada", "grace"] }, { status: 201 });
  }
  return Response.text("Not Found", { status: 404 });
}
"""

ECHO = """
export function handler(request) {
  return Response.json({
    method: request.method,
    url: request.url,
    path: request.path,
    query: request.query,
    agent: request.headers.get("X-Agent"),
    missing: request.headers.get("x-missing"),
    keys: Object.keys(request.headers).includes("get"),
    body: request.body === undefined ? "<none>" : request.body,
    text: request.text(),
  });
}
"""


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        ("/health", 200, {"ok": True}),
        ("/users", 201, {"users": ["ada", "grace"]}),
    ],
)
def test_json_routes_answer_with_their_status_and_body(
    start_server: StartServer, path: str, status: int, body: object
) -> None:
    server = start_server(ROUTES)

    response = httpx.get(server.url + path)

    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json() == body


def test_unknown_route_answers_text(start_server: StartServer) -> None:
    server = start_server(ROUTES)

    response = httpx.get(server.url + "/nope")

    assert response.status_code == 404
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == "Not Found"


def test_request_fields_reach_the_handler(start_server: StartServer) -> None:
    server = start_server(ECHO)

    response = httpx.post(
        server.url + "/items/7?q=a+b&tag=%C3%A9&flag",
        content=b"payload",
        headers={"X-Agent": "tester"},
    )

    assert response.json() == {
        "method": "POST",
        "url": "/items/7?q=a+b&tag=%C3%A9&flag",
        "path": "/items/7",
        "query": {"q": "a b", "tag": "\u00e9", "flag": ""},
        "agent": "tester",
        "missing": None,
        "keys": False,
        "body": "payload",
        "text": "payload",
    }


def test_request_without_body_has_undefined_body(start_server: StartServer) -> None:
    server = start_server(ECHO)

    response = httpx.get(server.url + "/")

    assert response.json()["body"] == "<none>"
    assert response.json()["text"] == ""


@pytest.mark.parametrize(
    ("expression", "status", "headers", "body"),
    [
        (
            'Response.html("<p>hi</p>")',
            200,
            {"content-type": "text/html; charset=utf-8"},
            "<p>hi</p>",
        ),
        ('Response.redirect("/next")', 302, {"location": "/next"}, ""),
        ('Response.redirect("/moved", 301)', 301, {"location": "/moved"}, ""),
        (
            'new Response("made", {status: 202, headers: {"X-Made": "yes"}})',
            202,
            {"x-made": "yes", "content-type": "text/plain; charset=utf-8"},
            "made",
        ),
        (
            'Response.json([1], {headers: {"Content-Type": "application/vnd.x+json"}})',
            200,
            {"content-type": "application/vnd.x+json"},
            "[1]",
        ),
        ("new Response(new Uint8Array([104, 105]))", 200, {}, "hi"),
        ("new Response(null, {status: 204})", 204, {}, ""),
    ],
)
def test_response_forms(
    start_server: StartServer,
    expression: str,
    status: int,
    headers: dict[str, str],
    body: str,
) -> None:
    server = start_server(f"export default function () {{ return {expression}; }}")

    response = httpx.get(server.url + "/", follow_redirects=False)

    assert response.status_code == status
    for name, value in headers.items():
        assert response.headers[name] == value
    assert response.text == body


def test_list_header_value_repeats_the_header(start_server: StartServer) -> None:
    server = start_server(
        'export default () => Response.text("ok", '
        '{ headers: { "Set-Cookie": ["a=1", "b=2"] } });'
    )

    response = httpx.get(server.url + "/")

    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]


def test_request_json_parses_the_body(start_server: StartServer) -> None:
    server = start_server(
        "export default (req) => Response.json({ got: req.json().n * 2 });"
    )

    response = httpx.post(server.url + "/", json={"n": 21})

    assert response.json() == {"got": 42}


def test_async_handler_result_is_awaited(start_server: StartServer) -> None:
    server = start_server(
        "export default async function (req) {"
        " const n = await Promise.resolve(5); return Response.json({ n }); }"
    )

    assert httpx.get(server.url + "/").json() == {"n": 5}


def test_console_writes_to_stderr(start_server: StartServer) -> None:
    server = start_server(
        'export default function () { console.log("seen", {a: 1}, 2);'
        ' console.error("bad"); return Response.text("ok"); }'
    )

    httpx.get(server.url + "/")

    assert server.wait_for_log('seen {"a":1} 2')
    assert server.wait_for_log("bad")


def test_access_log_line_per_request_unless_quiet(start_server: StartServer) -> None:
    loud = start_server(ROUTES)
    quiet = start_server(ROUTES, args=["-q"])

    httpx.get(loud.url + "/health")
    httpx.get(quiet.url + "/health")

    assert loud.wait_for_log("GET /health 200 ")
    line = next(line for line in loud.lines if line.startswith("GET /health"))
    assert line.endswith("ms")
    assert not any(line.startswith("GET ") for line in quiet.lines)
    assert quiet.lines[0].startswith("zigttp-handler listening on http://127.0.0.1:")


def test_top_level_runs_once_per_engine(start_server: StartServer) -> None:
    server = start_server(
        "let loads = 0; loads++; let calls = 0;\n"
        "export default function () {\n"
        "  calls++; return Response.json({ loads, calls });\n"
        "}"
    )

    first = httpx.get(server.url + "/").json()
    second = httpx.get(server.url + "/").json()

    assert first == {"loads": 1, "calls": 1}
    assert second == {"loads": 1, "calls": 2}


def test_relative_imports_and_virtual_module_aliases(start_server: StartServer) -> None:
    server = start_server(
        [
            (
                "src/handler.js",
                'import { twice } from "./lib/math.js";\n'
                'import { env } from "zttp:env";\n'
                "export default () => Response.json({ n: twice(21), e: env('NAME') });",
            ),
            (
                "src/lib/math.js",
                'import { one } from "../one.js";\n'
                "export const twice = (n) => n * 2 * one;",
            ),
            ("src/one.js", "export const one = 1;"),
        ],
        env={"NAME": "value"},
        env_names=["NAME"],
    )

    assert httpx.get(server.url + "/").json() == {"n": 42, "e": "value"}


def test_json_body_is_compact(start_server: StartServer) -> None:
    server = start_server(ROUTES)

    response = httpx.get(server.url + "/users")

    assert (
        response.content
        == json.dumps({"users": ["ada", "grace"]}, separators=(",", ":")).encode()
    )
