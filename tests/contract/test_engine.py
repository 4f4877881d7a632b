"""The transformed bundle runs in the real engine; its errors point at the source."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import httpx
import pytest

from zigttp.contract import program

from .served import Handler, host_binary

WriteProject = Callable[[Mapping[str, str | bytes]], Path]

pytestmark = pytest.mark.slow

HANDLER = """\
import { env } from "zttp:env";
import { Color, describe, type Shade } from "../lib/colors";

interface Query { name?: string }

export function handler(req: Request): Response {
  const query = req.query as Query;
  if (req.path === "/hello") {
    const name: string = query.name ?? "world";
    return Response.html(
      renderToString(
        <main class="greeting">
          {env("GREETING")}, {name}!
        </main>,
      ),
    );
  }
  if (req.path === "/color") {
    const shade: Shade = "dark";
    return Response.json({ name: Color[Color.Blue], text: describe(Color.Red, shade) });
  }
  if (req.path === "/boom") {
    const missing: any = undefined;
    return Response.text(missing.field);
  }
  return Response.text("nothing", { status: 404 });
}
"""

COLORS = """\
export type Shade = "light" | "dark";

export enum Color {
  Red,
  Green,
  Blue,
}

export function describe(color: Color, shade: Shade): string {
  return `${shade} ${Color[color]!.toLowerCase()}`;
}
"""


@pytest.fixture
def running(
    build_cache: Path, write_project: WriteProject, tmp_path: Path
) -> Iterator[Handler]:
    root = write_project({"src/handler.tsx": HANDLER, "lib/colors.ts": COLORS})
    loaded = program.load(root / "src" / "handler.tsx")
    binary = host_binary(loaded, tmp_path / "zigttp-handler")

    handler = Handler(binary, {"GREETING": "Hello"})
    yield handler
    handler.stop()


def test_tsx_bundle_answers_in_the_engine(running: Handler) -> None:
    hello = httpx.get(f"{running.url}/hello", params={"name": "<b>Ada</b>"})
    color = httpx.get(f"{running.url}/color")
    missing = httpx.get(f"{running.url}/elsewhere")

    assert hello.status_code == 200
    assert hello.text == (
        '<main class="greeting">Hello, &lt;b&gt;Ada&lt;/b&gt;!</main>'
    )
    assert color.json() == {"name": "Blue", "text": "dark red"}
    assert (missing.status_code, missing.text) == (404, "nothing")


def test_engine_errors_point_at_the_typescript_line(running: Handler) -> None:
    response = httpx.get(f"{running.url}/boom")

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not any(
        "at handler" in line for line in running.lines
    ):
        time.sleep(0.02)
    assert response.status_code == 500
    assert any("at handler (src/handler.tsx:24:" in line for line in running.lines), (
        running.lines
    )
