"""zigttp:router: routerMatch over object and array route tables."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from .conftest import Launch
from .handlers import Server

TABLES = """
import { routerMatch } from "zigttp:router";

const table = {
  "GET /": "home",
  "GET /users/:id": "user",
  "get /users/:id/posts/:post": "post",
  "DELETE /users/:id": "delete-user",
  "POST /echo": "echo",
  "GET /static/*": "static",
  "GET /files/*path": "file",
  "* /any": "any-method",
  "not-a-route": "ignored",
};

const list = [
  { method: "GET", path: "/health", handler: "health-handler" },
  { method: "PUT", pattern: "/items/:id", name: "item" },
];

export default function handler(request) {
  const { method, path, kind } = request.json();
  const found = routerMatch(kind === "array" ? list : table, { method, path });
  return Response.json(found === undefined ? { found: false } : found);
}
"""

DISPATCH = """
import { routerMatch } from "zigttp:router";

function home(req) { return Response.text("home"); }
function user(req) { return Response.json({ id: req.params.id }); }
function echo(req) { return Response.text(req.body ?? ""); }

const routes = {
  "GET /": home,
  "GET /users/:id": user,
  "POST /echo": echo,
};

export default function handler(req) {
  const found = routerMatch(routes, req);
  if (found === undefined) {
    return Response.json({ error: "Not Found" }, { status: 404 });
  }
  req.params = found.params;
  return found.handler(req);
}
"""


@pytest.fixture(scope="module")
def tables(launch: Launch) -> Iterator[Server]:
    yield launch(TABLES)


def _match(server: Server, method: str, path: str, kind: str = "object") -> dict:
    body = {"method": method, "path": path, "kind": kind}
    return httpx.post(server.url + "/", json=body, timeout=10).json()


@pytest.mark.parametrize(
    ("method", "path", "route", "params"),
    [
        ("GET", "/", "home", {}),
        ("GET", "/users/42", "user", {"id": "42"}),
        ("get", "/users/42", "user", {"id": "42"}),
        ("GET", "/users/7/posts/9", "post", {"id": "7", "post": "9"}),
        ("DELETE", "/users/42", "delete-user", {"id": "42"}),
        ("GET", "/users/J%C3%BCrgen", "user", {"id": "Jürgen"}),
        ("GET", "/users/42?tab=posts", "user", {"id": "42"}),
        ("GET", "/static/css/site.css", "static", {"*": "css/site.css"}),
        ("GET", "/static/", "static", {"*": ""}),
        ("GET", "/files/a/b.txt", "file", {"path": "a/b.txt"}),
        ("PATCH", "/any", "any-method", {}),
    ],
    ids=[
        "root",
        "param",
        "method-case",
        "two-params",
        "delete",
        "decoded-param",
        "query-ignored",
        "wildcard",
        "wildcard-empty",
        "named-wildcard",
        "any-method",
    ],
)
def test_object_table_matches_method_and_pattern(
    tables: Server, method: str, path: str, route: str, params: dict[str, str]
) -> None:
    found = _match(tables, method, path)

    assert found == {"route": route, "handler": route, "params": params}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/users/42"),
        ("GET", "/echo"),
        ("GET", "/users"),
        ("GET", "/users/42/"),
        ("GET", "/static"),
        ("GET", "/nowhere"),
    ],
    ids=[
        "method-mismatch",
        "other-method",
        "missing-param",
        "extra-segment",
        "wildcard-needs-slash",
        "unknown",
    ],
)
def test_no_match_is_undefined(tables: Server, method: str, path: str) -> None:
    assert _match(tables, method, path) == {"found": False}


def test_array_items_give_their_handler_and_the_item_as_route(tables: Server) -> None:
    health = _match(tables, "GET", "/health", "array")
    item = _match(tables, "PUT", "/items/5", "array")

    assert health == {
        "route": {"method": "GET", "path": "/health", "handler": "health-handler"},
        "handler": "health-handler",
        "params": {},
    }
    item_route = {"method": "PUT", "pattern": "/items/:id", "name": "item"}
    assert item == {"route": item_route, "handler": item_route, "params": {"id": "5"}}
    assert _match(tables, "GET", "/items/5", "array") == {"found": False}


def test_a_table_of_handlers_dispatches_the_request_with_params(
    launch: Launch,
) -> None:
    server = launch(DISPATCH)

    assert httpx.get(server.url + "/").text == "home"
    assert httpx.get(server.url + "/users/7").json() == {"id": "7"}
    assert httpx.post(server.url + "/echo", content=b"hi").text == "hi"
    missing = httpx.delete(server.url + "/users/7")
    assert (missing.status_code, missing.json()) == (404, {"error": "Not Found"})
