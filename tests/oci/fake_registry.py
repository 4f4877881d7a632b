"""A small distribution-spec registry on 127.0.0.1 that tests can make misbehave.

The real registry behaves well; the cases in /work/shared/cases (R1-R5, R7, R8,
R13, R14) need peers that do not. `FakeRegistry` stores blobs and manifests in
memory, logs every request, and lets a test bend any answer:

    fake = FakeRegistry()
    fake.intercept = lambda request: Reply(429, {"Retry-After": "1"}) if ... else None
    fake.upload_location = lambda name, upload: f"/elsewhere/{upload}?_state=x"

Uploads are found by the last path segment, so a Location anywhere on the
server (R3) still works, and two fakes can share one `Store` (R2, R5).
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
import re
import socket
import ssl
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class Store:
    """What a registry holds: blobs by digest, manifests by (repository, reference)."""

    blobs: dict[str, bytes] = field(default_factory=dict)
    manifests: dict[tuple[str, str], tuple[bytes, str]] = field(default_factory=dict)
    uploads: dict[str, bytearray] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    """One request as the fake saw it (body only when it read one)."""

    method: str
    target: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""


@dataclass(frozen=True)
class Reply:
    """An answer that replaces the fake's own; `drop` closes the socket mid-body."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    drop: bool = False


Intercept = Callable[[Request], Reply | None]

_BLOB = re.compile(r"^/v2/(?P<name>.+)/blobs/(?P<digest>sha256:[0-9a-f]{64})$")
_UPLOADS = re.compile(r"^/v2/(?P<name>.+)/blobs/uploads/$")
_MANIFEST = re.compile(r"^/v2/(?P<name>.+)/manifests/(?P<ref>[^/]+)$")


class _Server(ThreadingHTTPServer):
    """Serves each connection on a daemon thread and keeps quiet about hang-ups.

    Clients that time out or drop a connection are what some tests are about;
    the default handler would print a traceback for each.
    """

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Say nothing: the test asserts on what the client saw."""


class FakeRegistry:
    """Serves the registry API from a `Store`; stop() when done."""

    def __init__(self, store: Store | None = None, tls: Path | None = None) -> None:
        self.store = store or Store()
        self.requests: list[Request] = []
        self.intercept: Intercept = lambda request: None
        self.upload_location: Callable[[str, str], str] = lambda name, upload: (
            f"/v2/{name}/blobs/uploads/{upload}?_state=s{upload}"
        )
        self.challenge: str | None = None
        self.accept: Callable[[str], bool] = lambda authorization: True
        self.strict_media_type = False
        self.send_manifest_digest: Callable[[str], str | None] = lambda digest: digest
        self.blob_redirect: str | None = None

        self.server = _Server(("127.0.0.1", 0), _handler(self))
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(tls / "cert.pem", tls / "key.pem")
            self.server.socket = context.wrap_socket(
                self.server.socket, server_side=True
            )
        self.port = self.server.server_address[1]
        self.host = f"127.0.0.1:{self.port}"
        threading.Thread(
            target=self.server.serve_forever, args=(0.05,), daemon=True
        ).start()

    def seen(self, method: str, pattern: str = "") -> list[Request]:
        """The requests with this method whose path contains `pattern`."""
        return [r for r in self.requests if r.method == method and pattern in r.path]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, request: Request) -> Reply:
        """The well-behaved answer, unless auth says no."""
        if self.challenge is not None:
            authorization = request.headers.get("authorization", "")
            if not authorization or not self.accept(authorization):
                return Reply(
                    401,
                    {"WWW-Authenticate": self.challenge},
                    _errors("UNAUTHORIZED", "authentication required"),
                )

        if request.path == "/v2/":
            return Reply(200, {}, b"{}")
        if match := _UPLOADS.match(request.path):
            return self._start_upload(request, match["name"])
        if match := _BLOB.match(request.path):
            return self._blob(request, match["digest"])
        if match := _MANIFEST.match(request.path):
            return self._manifest(request, match["name"], match["ref"])

        upload = request.path.rstrip("/").rsplit("/", 1)[-1]
        if upload in self.store.uploads:
            return self._continue_upload(request, upload)
        return Reply(404, {}, _errors("NAME_UNKNOWN", "no such path"))

    def _start_upload(self, request: Request, name: str) -> Reply:
        mount = request.query.get("mount", [""])[0]
        if mount and mount in self.store.blobs:
            return Reply(
                201,
                {
                    "Location": f"/v2/{name}/blobs/{mount}",
                    "Docker-Content-Digest": mount,
                },
            )
        upload = uuid.uuid4().hex
        self.store.uploads[upload] = bytearray()
        return Reply(
            202, {"Location": self.upload_location(name, upload), "Range": "0-0"}
        )

    def _continue_upload(self, request: Request, upload: str) -> Reply:
        data = self.store.uploads[upload]
        data += request.body
        if request.method == "PATCH":
            # The same session URL again, as registries that keep no state do.
            answer = {"Location": request.target, "Range": f"0-{len(data) - 1}"}
            return Reply(202, answer)

        digest = request.query.get("digest", [""])[0]
        actual = "sha256:" + hashlib.sha256(data).hexdigest()
        if request.method != "PUT" or digest != actual:
            return Reply(400, {}, _errors("DIGEST_INVALID", f"got {actual}"))
        self.store.blobs[digest] = bytes(data)
        del self.store.uploads[upload]
        return Reply(201, {"Docker-Content-Digest": digest})

    def _blob(self, request: Request, digest: str) -> Reply:
        if digest not in self.store.blobs:
            return Reply(404, {}, _errors("BLOB_UNKNOWN", "blob unknown"))
        if self.blob_redirect is not None:
            return Reply(307, {"Location": f"{self.blob_redirect}/{digest}"})
        data = self.store.blobs[digest]
        return Reply(200, {"Docker-Content-Digest": digest}, data)

    def _manifest(self, request: Request, name: str, ref: str) -> Reply:
        if request.method == "PUT":
            content_type = request.headers.get("content-type", "")
            body_type = _json(request.body).get("mediaType")
            if self.strict_media_type and body_type != content_type:
                return Reply(
                    400,
                    {},
                    _errors(
                        "MANIFEST_INVALID",
                        "manifest invalid: mediaType does not match Content-Type",
                    ),
                )
            digest = "sha256:" + hashlib.sha256(request.body).hexdigest()
            self.store.manifests[(name, ref)] = (request.body, content_type)
            self.store.manifests[(name, digest)] = (request.body, content_type)
            said = self.send_manifest_digest(digest)
            return Reply(201, {"Docker-Content-Digest": said} if said else {})

        if (name, ref) not in self.store.manifests:
            return Reply(404, {}, _errors("MANIFEST_UNKNOWN", "manifest unknown"))
        body, content_type = self.store.manifests[(name, ref)]
        digest = "sha256:" + hashlib.sha256(body).hexdigest()
        return Reply(
            200, {"Content-Type": content_type, "Docker-Content-Digest": digest}, body
        )


class StorageHost:
    """A blob store behind a redirect: 403 to HEAD and to anything with credentials."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.requests: list[Request] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_HEAD(self) -> None:  # noqa: N802
                host.requests.append(_request(self, b""))
                _send(self, Reply(403, {}, b""), head=True)

            def do_GET(self) -> None:  # noqa: N802
                request = _request(self, b"")
                host.requests.append(request)
                digest = request.path.rsplit("/", 1)[-1]
                if "authorization" in request.headers:
                    _send(self, Reply(403, {}, b"credentials are not accepted here"))
                elif digest in host.store.blobs:
                    _send(self, Reply(200, {}, host.store.blobs[digest]))
                else:
                    _send(self, Reply(404, {}, b""))

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: tests read `requests`."""

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/storage"
        threading.Thread(
            target=self.server.serve_forever, args=(0.05,), daemon=True
        ).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def tls_files(folder: Path) -> Path:
    """A self-signed certificate for 127.0.0.1 in `folder` (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cert.pem").write_bytes(
        certificate.public_bytes(serialization.Encoding.PEM)
    )
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return folder


def _handler(fake: FakeRegistry) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def handle_one(self) -> None:
            head = _request(self, b"")
            reply = fake.intercept(head)
            if reply is not None and reply.drop:
                fake.requests.append(head)
                self._drop()
                return

            length = int(self.headers.get("Content-Length") or 0)
            request = _request(self, self.rfile.read(length) if length else b"")
            fake.requests.append(request)
            _send(self, reply or fake.answer(request), head=self.command == "HEAD")

        def _drop(self) -> None:
            """Read half the body, then cut the connection without an answer."""
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length // 2)
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_one

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read `fake.requests`."""

    return Handler


def _request(handler: BaseHTTPRequestHandler, body: bytes) -> Request:
    parts = urlsplit(handler.path)
    return Request(
        method=handler.command,
        target=handler.path,
        path=parts.path,
        query=parse_qs(parts.query, keep_blank_values=True),
        headers={k.lower(): v for k, v in handler.headers.items()},
        body=body,
    )


def _send(handler: BaseHTTPRequestHandler, reply: Reply, head: bool = False) -> None:
    handler.send_response(reply.status)
    for name, value in reply.headers.items():
        handler.send_header(name, value)
    if not any(name.lower() == "content-length" for name in reply.headers):
        handler.send_header("Content-Length", str(len(reply.body)))
    handler.end_headers()
    if not head:
        handler.wfile.write(reply.body)


def _errors(code: str, message: str) -> bytes:
    return json.dumps({"errors": [{"code": code, "message": message}]}).encode()


def _json(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
