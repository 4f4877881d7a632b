"""The real registry (Debian's docker-registry) and a token server, on 127.0.0.1.

Importable from any test folder (`from tests.oci.real_registry import
RegistryServer, TokenServer`, with the repository root on sys.path as
`python -m pytest` gives); the fixtures in tests/oci/conftest.py wrap them.

    tokens = TokenServer(folder, {"alice": "pw"}, {"alice": {"*": "pull,push"}})
    registry = RegistryServer(folder, auth=tokens.registry_auth())
    ... push to f"{registry.host}/team/app:1" ...
    registry.stop(); tokens.stop()
"""

from __future__ import annotations

import base64
import datetime
import fnmatch
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

SERVICE = "zigttp-test-registry"
ISSUER = "zigttp-test-issuer"
_LISTENING = re.compile(r"listening on 127\.0\.0\.1:(\d+)")


class RegistryServer:
    """`docker-registry serve` with its storage, config and log in `folder`."""

    def __init__(
        self,
        folder: Path,
        auth: dict[str, Any] | None = None,
        tls: Path | None = None,
    ) -> None:
        """`tls` is a folder with cert.pem and key.pem: serve HTTPS only."""
        binary = shutil.which("docker-registry")
        if binary is None:
            raise FileNotFoundError("docker-registry is not installed")

        folder.mkdir(parents=True, exist_ok=True)
        config: dict[str, Any] = {
            "version": 0.1,
            "log": {"level": "info", "accesslog": {"disabled": True}},
            "storage": {
                "filesystem": {"rootdirectory": str(folder / "storage")},
                "delete": {"enabled": True},
            },
            "http": {"addr": "127.0.0.1:0", "secret": uuid.uuid4().hex},
        }
        if auth:
            config["auth"] = auth
        if tls is not None:
            config["http"]["tls"] = {
                "certificate": str(tls / "cert.pem"),
                "key": str(tls / "key.pem"),
            }
        # JSON is YAML too, and needs no YAML library.
        (folder / "config.yml").write_text(json.dumps(config))

        self.log_path = folder / "registry.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [binary, "serve", str(folder / "config.yml")],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={
                    k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")
                },
            )
        self.port = self._wait_for_port()
        self.host = f"127.0.0.1:{self.port}"

    def _wait_for_port(self) -> int:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            found = _LISTENING.search(self.log_path.read_text(errors="replace"))
            if found:
                return int(found.group(1))
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(
            f"docker-registry did not start:\n{self.log_path.read_text()}"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def htpasswd_auth(folder: Path, users: dict[str, str]) -> dict[str, Any]:
    """Registry `auth` config for Basic auth, the file made by `htpasswd -Bbn`."""
    lines = []
    for user, password in users.items():
        made = subprocess.run(
            ["htpasswd", "-Bbn", user, password],
            capture_output=True,
            text=True,
            check=True,
        )
        lines.append(made.stdout.strip())
    path = folder / "htpasswd"
    path.write_text("\n".join(lines) + "\n")
    return {"htpasswd": {"realm": "zigttp-test", "path": str(path)}}


class _QuietServer(ThreadingHTTPServer):
    """Says nothing when a client hangs up: a push cut short does that on purpose."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """The test asserts on what the client saw."""


class TokenServer:
    """A token endpoint that signs ES256 JWTs the registry trusts.

    `rights` maps a user ("" for anonymous) to repository patterns and the
    actions granted there, e.g. {"alice": {"team/*": "pull,push"}}. Every
    request is kept in `requests` as (query pairs, whether it carried Basic auth).
    """

    def __init__(
        self,
        folder: Path,
        users: dict[str, str],
        rights: dict[str, dict[str, str]],
        expires_in: int = 300,
        field: str = "token",
    ) -> None:
        self.users = users
        self.rights = rights
        self.expires_in = expires_in
        self.field = field
        self.requests: list[tuple[list[tuple[str, str]], bool]] = []
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.bundle = folder / "token-root.pem"
        folder.mkdir(parents=True, exist_ok=True)
        self.bundle.write_bytes(
            _self_signed(self.key).public_bytes(serialization.Encoding.PEM)
        )
        self.kid = libtrust_key_id(self.key.public_key())

        self.server = _QuietServer(("127.0.0.1", 0), _token_handler(self))
        self.port = self.server.server_address[1]
        self.realm = f"http://127.0.0.1:{self.port}/token"
        threading.Thread(
            target=self.server.serve_forever, args=(0.05,), daemon=True
        ).start()

    def registry_auth(self) -> dict[str, Any]:
        """The registry's `auth` config that trusts this server's tokens."""
        return {
            "token": {
                "realm": self.realm,
                "service": SERVICE,
                "issuer": ISSUER,
                "rootcertbundle": str(self.bundle),
            }
        }

    def grant(self, user: str, scopes: list[str]) -> list[dict[str, Any]]:
        """The access entries `user` gets for the asked scopes (maybe fewer actions)."""
        access = []
        for scope in scopes:
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            allowed: set[str] = set()
            for pattern, granted in self.rights.get(user, {}).items():
                if fnmatch.fnmatchcase(name, pattern):
                    allowed |= set(granted.split(","))
            given = [a for a in actions.split(",") if a in allowed]
            access.append({"type": kind, "name": name, "actions": given})
        return access

    def sign(self, user: str, access: list[dict[str, Any]]) -> str:
        now = int(time.time())
        header = {"typ": "JWT", "alg": "ES256", "kid": self.kid}
        claims = {
            "iss": ISSUER,
            "sub": user,
            "aud": SERVICE,
            "exp": now + self.expires_in,
            "nbf": now - 10,
            "iat": now,
            "jti": uuid.uuid4().hex,
            "access": access,
        }
        signing_input = f"{_b64(json.dumps(header))}.{_b64(json.dumps(claims))}"
        der = self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return f"{signing_input}.{_b64(signature)}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _token_handler(tokens: TokenServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            query = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
            pairs = [(k, v) for k, values in query.items() for v in values]
            header = self.headers.get("Authorization", "")
            tokens.requests.append((pairs, header.startswith("Basic ")))

            user = ""
            if header.startswith("Basic "):
                name, _, password = base64.b64decode(header[6:]).decode().partition(":")
                if tokens.users.get(name) != password:
                    return self._answer(
                        401,
                        {"errors": [{"code": "UNAUTHORIZED", "message": "bad login"}]},
                    )
                user = name

            access = tokens.grant(user, query.get("scope", []))
            body = {
                tokens.field: tokens.sign(user, access),
                "expires_in": tokens.expires_in,
                "issued_at": datetime.datetime.now(datetime.UTC).isoformat(),
            }
            self._answer(200, body)

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read `tokens.requests` instead."""

    return Handler


def libtrust_key_id(public_key: ec.EllipticCurvePublicKey) -> str:
    """The key id docker-registry expects in `kid`: base32 of the SPKI hash, grouped."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    encoded = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode()
    return ":".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def _self_signed(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ISSUER)])
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )


def _b64(data: str | bytes) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
