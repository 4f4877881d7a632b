"""Secrets at rest: tokens kept only as hashes, env values sealed with Fernet."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from zigttp import atomic
from zigttp.errors import ZigttpError

ACCESS_TOKEN_PREFIX = "ztp_"
_USER_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ"


def new_id(prefix: str) -> str:
    """A public identifier such as "pln_3f9k...": unguessable, not secret."""
    return f"{prefix}_{secrets.token_hex(10)}"


def new_access_token() -> str:
    return ACCESS_TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def new_user_code() -> str:
    """Eight consonants as XXXX-XXXX: easy to read aloud, no accidental words."""
    letters = "".join(secrets.choice(_USER_CODE_LETTERS) for _ in range(8))
    return f"{letters[:4]}-{letters[4:]}"


def digest(secret: str) -> str:
    """The stored form of a high-entropy secret: its sha256 in hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same(secret: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(secret), stored_digest)


class Sealer:
    """Encrypts env values with a Fernet key kept in the data dir (mode 0600)."""

    def __init__(self, key_path: Path) -> None:
        self.key_path = key_path
        self.fernet = Fernet(_load_or_create_key(key_path))

    def seal(self, values: Mapping[str, str]) -> str:
        plain = json.dumps(dict(values), sort_keys=True).encode("utf-8")
        return self.fernet.encrypt(plain).decode("ascii")

    def open(self, sealed: str) -> dict[str, str]:
        try:
            plain = self.fernet.decrypt(sealed.encode("ascii"))
        except InvalidToken:
            raise ZigttpError(
                f"reading a release's env: it does not decrypt with {self.key_path}; "
                "the key file was replaced, so redeploy to store the values again"
            ) from None
        values = json.loads(plain)
        return {str(key): str(value) for key, value in values.items()}


def _load_or_create_key(path: Path) -> bytes:
    if path.exists():
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        return path.read_bytes().strip()

    key = Fernet.generate_key()
    atomic.write_bytes(path, key + b"\n", mode=0o600)
    return key
