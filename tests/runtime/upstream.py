"""A real HTTP server on 127.0.0.1 for fetch to talk to, plain or over TLS.

Routes (the query string gives their parameters):
  /echo...               200, JSON of the method, path, headers and body it got
  /status/NNN            status NNN with a small JSON body
  /flaky?fail=K          503 for the first K requests to that URL, then 200
  /slow?seconds=S        200 after S seconds
  /bytes?n=N             N bytes of "x" with a Content-Length
  /chunked?n=N           N bytes of "x" in chunks of at most 1000
  /unframed?n=N          N bytes of "x" ended by closing the connection
  /redirect?to=U&code=C  status C (302 unless given) with Location U
  /loop                  302 back to itself

Scripted is a bare TCP server that answers every request with the same bytes,
for answers no well-behaved server would send.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class _Routes(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Upstream

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: pytest shows what matters."""

    def _query(self) -> dict[str, str]:
        pairs = parse_qs(urlsplit(self.path).query)
        return {name: values[-1] for name, values in pairs.items()}

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: object) -> None:
        body = json.dumps(data).encode()
        self._send(status, body, {"Content-Type": "application/json"})

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        self.server.record(self.command, self.path)
        route = urlsplit(self.path).path
        query = self._query()

        if route.startswith("/echo"):
            headers = {name.lower(): value for name, value in self.headers.items()}
            self._json(
                200,
                {
                    "method": self.command,
                    "path": self.path,
                    "headers": headers,
                    "body": body,
                },
            )
        elif route.startswith("/status/"):
            status = int(route.removeprefix("/status/"))
            self._json(status, {"status": status})
        elif route == "/flaky":
            failing = self.server.hits[self.path] <= int(query.get("fail", "1"))
            self._json(
                503 if failing else 200, {"attempt": self.server.hits[self.path]}
            )
        elif route == "/slow":
            time.sleep(float(query.get("seconds", "5")))
            self._json(200, {"slept": True})
        elif route == "/bytes":
            self._send(200, b"x" * int(query["n"]), {"Content-Type": "text/plain"})
        elif route == "/chunked":
            self._chunked(int(query["n"]))
        elif route == "/unframed":
            self._unframed(int(query["n"]))
        elif route == "/loop":
            self._send(302, b"", {"Location": "/loop"})
        elif route == "/redirect":
            code = int(query.get("code", "302"))
            self._send(code, b"", {"Location": query["to"]})
        else:
            self._json(404, {"error": "no such route"})

    def _chunked(self, total: int) -> None:
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        left = total
        while left > 0:
            size = min(left, 1000)
            self.wfile.write(f"{size:x}\r\n".encode() + b"x" * size + b"\r\n")
            left -= size
        self.wfile.write(b"0\r\n\r\n")

    def _unframed(self, total: int) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + b"x" * total)
        self.close_connection = True

    do_GET = _answer
    do_POST = _answer
    do_PUT = _answer
    do_DELETE = _answer
    do_HEAD = _answer


class Upstream(ThreadingHTTPServer):
    """The server, its port, and how often each method and path was asked for."""

    daemon_threads = True

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Routes)
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)
        self.port = self.server_address[1]
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    def record(self, method: str, path: str) -> None:
        with self._lock:
            self.hits[path] += 1
            self.requests.append((method, path))

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (a refused handshake, a timeout) is expected."""

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)


class Scripted:
    """A TCP server on 127.0.0.1 that reads each request's head, answers with
    `answer` as it is, closes its side and waits for the client to close."""

    def __init__(self, answer: bytes) -> None:
        self.answer = answer
        self.heads: list[bytes] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port: int = self._listener.getsockname()[1]
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                self._answer(connection)

    def _answer(self, connection: socket.socket) -> None:
        connection.settimeout(5)
        received = b""
        try:
            while b"\r\n\r\n" not in received:
                chunk = connection.recv(65536)
                if not chunk:
                    return
                received += chunk
            self.heads.append(received)
            connection.sendall(self.answer)
            connection.shutdown(socket.SHUT_WR)
            while connection.recv(65536):
                pass
        except OSError:
            pass

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._listener.close()
