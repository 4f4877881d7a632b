"""The registry's token issuer: a signing key, its certificate, and scoped JWTs.

The registry (CNCF distribution) trusts tokens signed by a key whose certificate
is in its `rootcertbundle`, and finds the key by the JWT `kid`: the libtrust key
id of that key.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

from zigttp import atomic

KEY_FILE = "token-key.pem"
CERT_FILE = "token-cert.pem"
_SCOPE = re.compile(
    r"repository:(?P<name>[a-z0-9]+(?:[._/-][a-z0-9]+)*):(?P<actions>[a-z*,]+)"
)


@dataclass(frozen=True)
class Access:
    """One repository and the actions allowed on it."""

    name: str
    actions: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"type": "repository", "name": self.name, "actions": list(self.actions)}


class TokenIssuer:
    """Signs registry tokens with an ES256 key kept in `folder`."""

    def __init__(self, folder: Path, issuer: str, service: str) -> None:
        self.folder = folder
        self.issuer = issuer
        self.service = service
        self.key = _load_or_create_key(folder / KEY_FILE)
        self.cert_path = folder / CERT_FILE
        if not self.cert_path.exists():
            atomic.write_bytes(self.cert_path, _certificate(self.key), mode=0o644)
        self.key_id = libtrust_key_id(self.key.public_key())

    def issue(self, subject: str, access: list[Access], lifetime: int) -> str:
        """A compact JWT granting `access` to `subject` for `lifetime` seconds."""
        now = int(time.time())
        header = {"typ": "JWT", "alg": "ES256", "kid": self.key_id}
        claims = {
            "iss": self.issuer,
            "sub": subject,
            "aud": self.service,
            "iat": now,
            "nbf": now - 5,
            "exp": now + max(lifetime, 1),
            "jti": secrets.token_hex(12),
            "access": [item.to_json() for item in access],
        }
        signing_input = f"{_b64(_json(header))}.{_b64(_json(claims))}".encode()
        der = self.key.sign(signing_input, ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return f"{signing_input.decode()}.{_b64(signature)}"


def parse_scopes(scopes: list[str]) -> list[Access]:
    """The repository scopes a client asked for; anything else is ignored."""
    wanted = []
    for scope in scopes:
        match = _SCOPE.fullmatch(scope)
        if match is None:
            continue
        actions = tuple(a for a in match["actions"].split(",") if a)
        wanted.append(Access(match["name"], actions))
    return wanted


def libtrust_key_id(public_key: ec.EllipticCurvePublicKey) -> str:
    """base32 of the first 30 bytes of sha256(DER SPKI), 12 groups of 4, ':' joined."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    encoded = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode()
    return ":".join(encoded[i : i + 4] for i in range(0, 48, 4))


def _load_or_create_key(path: Path) -> ec.EllipticCurvePrivateKey:
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError(f"{path} does not hold an EC private key")
        return key

    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    atomic.write_bytes(path, pem, mode=0o600)
    return key


def _certificate(key: ec.EllipticCurvePrivateKey) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "zigttp token issuer")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


def _json(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
