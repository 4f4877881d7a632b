"""The saved sign-in: `$ZIGTTP_HOME/credentials`, or ZIGTTP_TOKEN for CI.

The file is JSON {"token": ..., "email": ...}, mode 0600 in a 0700 folder, and
is replaced whole (temporary file + rename) so a crash never leaves half a token.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from zigttp import atomic, dirs
from zigttp.errors import InputError

TOKEN_VARIABLE = "ZIGTTP_TOKEN"
FILE_NAME = "credentials"
FILE_MODE = 0o600
FOLDER_MODE = 0o700


@dataclass(frozen=True)
class SignIn:
    """An access token, the account it belongs to, and where it came from."""

    token: str = field(repr=False)
    email: str
    source: str

    @property
    def from_environment(self) -> bool:
        return self.source == TOKEN_VARIABLE


def path() -> Path:
    return dirs.home_dir() / FILE_NAME


def load(environ: Mapping[str, str] | None = None) -> SignIn | None:
    """ZIGTTP_TOKEN when set, else the saved file, else None."""
    environ = os.environ if environ is None else environ
    token = environ.get(TOKEN_VARIABLE, "").strip()
    if token:
        return SignIn(token, "", TOKEN_VARIABLE)

    where = path()
    try:
        data = where.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise InputError(
            f"cannot read the saved sign-in at {where}: {error.strerror}: "
            "fix its permissions, or run `zigttp logout` and sign in again"
        ) from None

    try:
        value = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        value = None
    saved = value.get("token") if isinstance(value, dict) else None
    if not isinstance(saved, str) or not saved.strip():
        raise InputError(
            f"the saved sign-in at {where} is damaged (not JSON with a token): "
            "run `zigttp logout`, then `zigttp login`"
        )
    email = value.get("email") if isinstance(value, dict) else None
    return SignIn(saved.strip(), email if isinstance(email, str) else "", str(where))


def exposure() -> str | None:
    """Why the saved file is readable by others, or None when it is private."""
    where = path()
    try:
        mode = stat.S_IMODE(where.stat().st_mode)
    except OSError:
        return None
    if mode & 0o077 == 0:
        return None
    return f"{where} is readable by other users (mode {mode:04o}); it should be 0600"


def save(token: str, email: str) -> Path:
    """Write the file privately, replacing any earlier one; returns its path."""
    where = path()
    folder = where.parent
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, FOLDER_MODE)

    document = {"token": token, "email": email}
    data = (json.dumps(document, indent=2) + "\n").encode("utf-8")
    atomic.write_bytes(where, data, mode=FILE_MODE)
    return where


def delete() -> bool:
    """Remove the saved file; False when there was none."""
    try:
        path().unlink()
    except FileNotFoundError:
        return False
    return True
