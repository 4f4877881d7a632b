"""zigttp:log: one JSON line on stderr per call."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from .conftest import StartServer

LOGGING = """
import { logDebug, logInfo, logWarn, logError } from "zigttp:log";

export default function handler(request) {
  const loop = { name: "loop" };
  loop.self = loop;
  logDebug("debugging", { step: 1 });
  logInfo("user signed in", { user: "u-1", roles: ["a", "b"], nested: { n: 2 } });
  logWarn("odd\\nvalue \\"quoted\\"", { big: 10n, loop });
  logError("failed", { error: new TypeError("bad input"), level: "not-overridden" });
  logInfo(42);
  return Response.text("logged");
}
"""


def test_each_call_writes_one_json_line(start_server: StartServer) -> None:
    server = start_server(LOGGING, args=["-q"])
    before = int(time.time() * 1000)

    assert httpx.get(server.url + "/").text == "logged"
    assert server.wait_for_log('"msg":"42"')

    records = [json.loads(line) for line in server.lines if line.startswith("{")]
    assert [(r["level"], r["msg"]) for r in records] == [
        ("debug", "debugging"),
        ("info", "user signed in"),
        ("warn", 'odd\nvalue "quoted"'),
        ("error", "failed"),
        ("info", "42"),
    ]
    assert all(before <= r["ts"] <= int(time.time() * 1000) for r in records)
    assert records[0]["step"] == 1
    assert records[1] | {"ts": 0} == {
        "level": "info",
        "ts": 0,
        "msg": "user signed in",
        "user": "u-1",
        "roles": ["a", "b"],
        "nested": {"n": 2},
    }
    assert records[2]["big"] == "10"
    assert records[2]["loop"] == {"name": "loop", "self": "[Circular]"}
    assert records[3]["error"] == {"name": "TypeError", "message": "bad input"}
    assert records[3]["level"] == "error"


@pytest.mark.parametrize("level", ["logDebug", "logInfo", "logWarn", "logError"])
def test_every_level_is_exported(start_server: StartServer, level: str) -> None:
    source = LOGGING.split("export")[0] + (
        f'export default () => {{ {level}("x"); return Response.text("ok"); }}'
    )
    server = start_server(source, args=["-q"])

    assert httpx.get(server.url + "/").text == "ok"
    assert server.wait_for_log('"msg":"x"')
