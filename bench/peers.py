"""The servers a benchmark compares: ours, the reference zigttp, Node's http module."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "peers"

NODE_SERVER = """
const http = require("http");
const port = Number(process.argv[2]);
http.createServer((req, res) => {
  const body = JSON.stringify({ ok: true });
  res.writeHead(200, { "content-type": "application/json" });
  res.end(body);
}).listen(port, "127.0.0.1");
"""


@dataclass(frozen=True)
class Server:
    """How to start one server on a given port: `argv` with `{port}` filled in."""

    name: str
    argv: tuple[str, ...]

    def command(self, port: int) -> list[str]:
        return [part.replace("{port}", str(port)) for part in self.argv]


def ours(binary: Path) -> Server:
    return Server("zigttp", (str(binary), "-q", "-h", "127.0.0.1", "-p", "{port}"))


def reference_binary() -> Path | None:
    found = sorted(REFERENCE.glob("zigttp-ref-*")) if REFERENCE.is_dir() else []
    return found[0] if found else None


def reference(handler: Path) -> Server | None:
    binary = reference_binary()
    if binary is None:
        return None
    argv = (str(binary), "serve", "-q", "-h", "127.0.0.1", "-p", "{port}", str(handler))
    return Server("reference", argv)


def node(work: Path) -> Server | None:
    executable = shutil.which("node")
    if executable is None:
        return None
    script = work / "node-server.js"
    script.write_text(NODE_SERVER)
    return Server("node", (executable, str(script), "{port}"))
