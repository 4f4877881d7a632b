"""The saved sign-in: `$ZIGTTP_HOME/credentials`, or ZIGTTP_TOKEN for CI.

The file is JSON {"token": ..., "email": ...}, mode 0600 in a 0700 folder, and
is replaced whole (temporary file + rename) so a crash never leaves half a token.
Every token, wherever it came from, is checked with `check_token` before it is
used: it goes into an HTTP header, which carries printable ASCII only.
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
HOME_VARIABLE = "ZIGTTP_HOME"
FILE_NAME = "credentials"
FILE_MODE = 0o600
FOLDER_MODE = 0o700
HOME_FIX = f"set {HOME_VARIABLE} to a folder, or move that file out of the way"


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


def check_token(token: str, source: str, remedy: str) -> str:
    """`token` when a header can carry it: printable ASCII, no blanks inside.

    The error names what is wrong and where (`source`), never the token itself,
    and ends with `remedy`.
    """
    for position, char in enumerate(token, start=1):
        if "!" <= char <= "~":
            continue
        raise InputError(
            f"{source} holds {_kind(char)} at character {position}, and an access "
            f"token is printable ASCII without spaces: {remedy}"
        )
    return token


def load(environ: Mapping[str, str] | None = None) -> SignIn | None:
    """ZIGTTP_TOKEN when set, else the saved file, else None."""
    environ = os.environ if environ is None else environ
    token = environ.get(TOKEN_VARIABLE, "").strip()
    if token:
        check_token(
            token,
            TOKEN_VARIABLE,
            f"set {TOKEN_VARIABLE} to the token alone (nothing was sent)",
        )
        return SignIn(token, "", TOKEN_VARIABLE)

    where = path()
    try:
        data = where.read_bytes()
    except FileNotFoundError:
        return None
    except NotADirectoryError as error:
        problem = home_problem() or f"{where}: {error.strerror}"
        raise InputError(
            f"cannot read the saved sign-in: {problem}: {HOME_FIX}"
        ) from None
    except OSError as error:
        raise InputError(
            f"cannot read the saved sign-in at {where}: {error.strerror}: "
            f"make it readable by you (chmod 600 {where}), or remove it with "
            "`zigttp logout` and sign in again"
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
    check_token(
        saved.strip(),
        f"the saved access token in {where}",
        "run `zigttp logout`, then `zigttp login`",
    )
    email = value.get("email") if isinstance(value, dict) else None
    return SignIn(saved.strip(), email if isinstance(email, str) else "", str(where))


def home_problem() -> str | None:
    """Why the zigttp home cannot hold the credentials file, when it is not a folder."""
    home = dirs.home_dir()
    named = f"{home} ({HOME_VARIABLE})" if os.environ.get(HOME_VARIABLE) else str(home)
    for folder in (home, *home.parents):
        if not folder.exists():
            continue
        if folder.is_dir():
            return None
        if folder == home:
            return f"{named} is a file, not a folder"
        return f"{named} is inside {folder}, which is a file, not a folder"
    return None


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
    problem = home_problem()
    if problem:
        raise InputError(f"cannot save the sign-in: {problem}: {HOME_FIX}")

    document = {"token": token, "email": email}
    data = (json.dumps(document, indent=2) + "\n").encode("utf-8")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, FOLDER_MODE)
        atomic.write_bytes(where, data, mode=FILE_MODE)
    except OSError as error:
        raise InputError(
            f"cannot save the sign-in to {where}: {error.strerror or error}: "
            f"make {folder} a writable folder with free space, or set "
            f"{HOME_VARIABLE} to one (nothing was saved)"
        ) from None
    return where


def delete() -> bool:
    """Remove the saved file; False when there was none."""
    where = path()
    problem = home_problem()
    if problem:
        raise InputError(f"cannot sign out: {problem}: {HOME_FIX}")
    try:
        where.unlink()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise InputError(
            f"cannot remove the saved sign-in at {where}: {error.strerror or error}: "
            "the token in it stays usable until it is revoked; remove the file "
            "yourself, or revoke the token"
        ) from None
    return True


def _kind(char: str) -> str:
    if char in "\r\n":
        return "a line break"
    if char == "\t":
        return "a tab"
    if char.isspace():
        return "a space"
    if ord(char) < 0x80:
        return "a control character"
    return "a non-ASCII character"
