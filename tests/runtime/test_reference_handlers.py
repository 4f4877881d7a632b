"""Handlers written the way the reference zigttp documents them run unchanged
through the paths `zigttp serve` and `zigttp build` take."""

from __future__ import annotations

import io
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from zigttp import build, local
from zigttp.oci import layer

from . import handlers
from .handlers import Server
from .upstream import Upstream

APP = """
import { routerMatch } from "zigttp:router";
import { parseBearer, jwtSign, jwtVerify } from "zigttp:auth";
import { cacheGet, cacheIncr, cacheSet } from "zigttp:cache";
import { env } from "zigttp:env";
import { sha256 } from "zigttp:crypto";
import { fetch } from "zigttp:fetch";
import { logInfo } from "zigttp:log";
import { slugify } from "zigttp:text";
import type { Spec } from "zigttp:types";

type Params = { params: Record<string, string> };
type AppProof = Spec<"state_isolated">;

function Layout(props: { title: string; children?: unknown }) {
  return (
    <html>
      <head><title>{props.title}</title></head>
      <body>{props.children}</body>
    </html>
  );
}

function home(req: Request): Response {
  const visits = cacheIncr("visits", "home");
  const page = (
    <Layout title="Home & more">
      <p class="n">Visit {visits}</p>
    </Layout>
  );
  return Response.html(renderToString(page));
}

function login(req: Request): Response {
  const body = req.json() as { user: string };
  const claims = { sub: body.user, exp: Math.floor(Date.now() / 1000) + 60 };
  const token = jwtSign(JSON.stringify(claims), env("JWT_SECRET") ?? "");
  cacheSet("sessions", sha256(token), body.user, 60);
  return Response.json({ token }, { status: 201 });
}

function me(req: Request): Response {
  const token = parseBearer(req.headers.get("authorization") ?? "");
  if (token === undefined) {
    return Response.json({ error: "unauthorized" }, { status: 401 });
  }
  const result = jwtVerify(token, env("JWT_SECRET") ?? "");
  if (!result.ok) return Response.json({ error: result.error }, { status: 401 });
  const session = cacheGet("sessions", sha256(token));
  return Response.json({ user: result.value.sub, session });
}

function user(req: Request & Params): Response {
  return Response.json({ id: req.params.id, slug: slugify(req.params.id) });
}

function weather(req: Request): Response {
  const upstream = fetch("http://api.localhost:PORT/echo", {
    query: { city: req.query.city ?? "nowhere" },
    headers: { Accept: "application/json" },
    timeoutMs: 5000,
  });
  if (!upstream.ok) {
    return Response.json({ error: "weather_unavailable" }, { status: 502 });
  }
  return Response.json({ asked: upstream.json().path });
}

const routes = {
  "GET /": home,
  "POST /login": login,
  "GET /me": me,
  "GET /users/:id": user,
  "GET /weather": weather,
};

export function handler(req: Request & Params): Response & AppProof {
  const found = routerMatch(routes, req);
  if (found === undefined) return Response.text("Not Found", { status: 404 });
  req.params = found.params;
  logInfo("routed", { path: req.path });
  return found.handler(req);
}
"""

ENV = {"JWT_SECRET": "reference-secret"}


def _write_project(folder: Path, port: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    handler = folder / "handler.tsx"
    handler.write_text(APP.replace("PORT", str(port)), encoding="utf-8")
    return handler


@pytest.fixture
def served(
    build_cache: Path, tmp_path: Path, upstream: Upstream
) -> Iterator[tuple[Server, local.LocalBuild]]:
    """The app compiled the way `zigttp serve` does, and running."""
    built = local.compile_for_host(_write_project(tmp_path / "app", upstream.port))
    server = Server(built.binary, ["-q"], {**handlers.base_env(), **ENV})
    yield server, built
    server.stop()


def test_its_contract_proves_what_it_uses(
    served: tuple[Server, local.LocalBuild], upstream: Upstream
) -> None:
    contract = served[1].program.contract.to_json()

    assert contract["env"] == {"names": ["JWT_SECRET"], "dynamic": False}
    assert contract["egress"] == {
        "hosts": [f"api.localhost:{upstream.port}"],
        "dynamic": False,
    }
    assert contract["cache"] == {"namespaces": ["sessions", "visits"], "dynamic": False}
    assert contract["proofLevel"] == "complete"


def test_router_table_jsx_and_cache_counters(
    served: tuple[Server, local.LocalBuild],
) -> None:
    server = served[0]

    first = httpx.get(server.url + "/")
    second = httpx.get(server.url + "/")

    assert first.headers["content-type"] == "text/html; charset=utf-8"
    assert first.text == (
        "<html><head><title>Home &amp; more</title></head>"
        '<body><p class="n">Visit 1</p></body></html>'
    )
    assert "Visit 2" in second.text
    assert httpx.get(server.url + "/users/Hello World").json() == {
        "id": "Hello World",
        "slug": "hello-world",
    }
    assert httpx.get(server.url + "/nowhere").status_code == 404
    assert server.wait_for_log('"msg":"routed","path":"/users/Hello%20World"')


def test_jwt_login_then_authorized_request(
    served: tuple[Server, local.LocalBuild],
) -> None:
    server = served[0]

    token = httpx.post(server.url + "/login", json={"user": "ada"}).json()["token"]
    me = httpx.get(server.url + "/me", headers={"Authorization": f"Bearer {token}"})
    tampered = httpx.get(
        server.url + "/me", headers={"Authorization": f"Bearer {token[:-2]}xx"}
    )
    anonymous = httpx.get(server.url + "/me")

    assert me.json() == {"user": "ada", "session": "ada"}
    assert (tampered.status_code, tampered.json()) == (
        401,
        {"error": "invalid signature"},
    )
    assert anonymous.status_code == 401


def test_fetch_to_its_proven_host(served: tuple[Server, local.LocalBuild]) -> None:
    server = served[0]

    answer = httpx.get(server.url + "/weather", params={"city": "Zürich"})

    assert answer.json() == {"asked": "/echo?city=Z%C3%BCrich"}


def test_the_image_build_carries_the_same_binary(
    build_cache: Path, tmp_path: Path, upstream: Upstream
) -> None:
    handler = _write_project(tmp_path / "app", upstream.port)
    served = local.compile_for_host(handler)

    built = build.build_image(handler.parent)

    labels = built.image.config_json["config"]["Labels"]
    assert labels["zigttp.egress-proven"] == "true"
    assert labels["zigttp.cache-proven"] == "true"
    blob = built.image.layers[0]
    media_type = built.image.manifest_json["layers"][0]["mediaType"]
    with tarfile.open(fileobj=io.BytesIO(layer.uncompressed(blob, media_type))) as tar:
        member = tar.extractfile("zigttp-handler")
        assert member is not None
        assert member.read() == served.binary.read_bytes()


def test_a_missing_secret_stops_the_start(
    served: tuple[Server, local.LocalBuild],
) -> None:
    started = time.monotonic()
    result = handlers.run(served[1].binary, ["-p", "0"], handlers.base_env())

    assert result.returncode == 3
    assert b"missing environment variables: JWT_SECRET" in result.stderr
    assert time.monotonic() - started < 5
