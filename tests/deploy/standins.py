"""Small control-plane stand-ins on 127.0.0.1 for behaviour the real one never shows.

A test scripts the answers (`Reply`), or forwards to the real control plane and
changes only the calls it is about (`forwarding`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass(frozen=True)
class Reply:
    """A status with a JSON body (or raw bytes), after an optional delay.

    `drop` closes the connection without answering at all.
    """

    status: int
    body: dict[str, Any] | bytes = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False


DROP = Reply(0, drop=True)


Answer = Callable[[Request], Reply]


class StandIn:
    """A threaded HTTP server on 127.0.0.1 that answers with `answer(request)`."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.requests: list[Request] = []
        self.closing = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def paths(self, method: str = "") -> list[str]:
        return [r.path for r in self.requests if not method or r.method == method]

    def close(self) -> None:
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> StandIn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self._answer()

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else {}
                request = Request(self.command, self.path, body, dict(self.headers))
                standin.requests.append(request)

                reply = standin.answer(request)
                if reply.delay and standin.closing.wait(reply.delay):
                    return
                if reply.drop:
                    self.close_connection = True
                    return
                data = (
                    reply.body
                    if isinstance(reply.body, bytes)
                    else json.dumps(reply.body).encode()
                )
                kind = (
                    "text/plain"
                    if isinstance(reply.body, bytes)
                    else "application/json"
                )
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    return

        return Handler


def forward(real_url: str, request: Request) -> Reply:
    """Send `request` on to the real control plane and return its answer."""
    headers = {
        key: value
        for key, value in request.headers.items()
        if key.lower() in ("authorization", "content-type")
    }
    answer = httpx.request(
        request.method,
        f"{real_url}{request.path}",
        json=request.body if request.method == "POST" else None,
        headers=headers,
        timeout=30.0,
        trust_env=False,
    )
    return Reply(answer.status_code, answer.json())


def forwarding(real_url: str, overrides: dict[str, Answer]) -> Answer:
    """Forward every call except those whose path starts with an override's key."""

    def answer(request: Request) -> Reply:
        for prefix, override in overrides.items():
            if request.path.startswith(prefix):
                return override(request)
        return forward(real_url, request)

    return answer
