"""Registry credentials: given on the command line, in the environment, or in a
docker-style config.json.

Docker's credential helpers (`credsStore`, `credHelpers`) and OAuth identity
tokens (`identitytoken`) are not used: zigttp runs no helper programs. Such
entries are skipped and the push goes on anonymously unless another source has
a username and password; `unused` names them, so a registry's "who are you?"
can say why nothing was sent.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from zigttp.errors import UsageError

log = logging.getLogger(__name__)

USERNAME_VARIABLE = "ZIGTTP_REGISTRY_USERNAME"
PASSWORD_VARIABLE = "ZIGTTP_REGISTRY_PASSWORD"


@dataclass(frozen=True)
class Credentials:
    """A username and password (or token) for one registry; never shown in repr."""

    username: str
    password: str = field(repr=False)
    source: str = "the caller"

    def basic(self) -> str:
        """The value of an `Authorization: Basic ...` header."""
        pair = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")

    @classmethod
    def from_stream(cls, username: str, text: str) -> Credentials:
        """`--username` with the password read from stdin (one line, newline cut)."""
        password = text.splitlines()[0] if text else ""
        if not username or not password:
            raise UsageError(
                "registry credentials need both --username and a password on stdin"
            )
        return cls(username, password, "--username and --password-stdin")


def find(registry: str, environ: Mapping[str, str] | None = None) -> Credentials | None:
    """Credentials for `registry` from the environment, else docker's config.json."""
    environ = os.environ if environ is None else environ

    username = environ.get(USERNAME_VARIABLE, "")
    password = environ.get(PASSWORD_VARIABLE, "")
    if username and password:
        return Credentials(
            username, password, f"{USERNAME_VARIABLE} and {PASSWORD_VARIABLE}"
        )
    if username or password:
        raise UsageError(
            f"set both {USERNAME_VARIABLE} and {PASSWORD_VARIABLE}, or neither"
        )

    return from_docker_config(registry, environ)


def from_docker_config(registry: str, environ: Mapping[str, str]) -> Credentials | None:
    """The `auths` entry for `registry` in $DOCKER_CONFIG or ~/.docker/config.json."""
    path, config = _docker_config(environ)
    auths = config.get("auths")
    if not isinstance(auths, dict):
        return None

    for key, entry in auths.items():
        if _registry_of(str(key)) == registry.lower() and isinstance(entry, dict):
            return _entry_credentials(entry, path, str(key))
    return None


def unused(registry: str, environ: Mapping[str, str] | None = None) -> str:
    """Credentials for `registry` in docker's config that zigttp cannot use, in words.

    Empty when there are none: docker's config names no credential helper for
    the registry and holds no identity token for it.
    """
    environ = os.environ if environ is None else environ
    path, config = _docker_config(environ)

    helpers = config.get("credHelpers")
    if isinstance(helpers, dict):
        for key, helper in helpers.items():
            if _registry_of(str(key)) == registry.lower() and helper:
                return _helper_note(path, registry, f"docker-credential-{helper}")

    auths = config.get("auths")
    entries = auths.items() if isinstance(auths, dict) else []
    for key, entry in entries:
        ours = _registry_of(str(key)) == registry.lower()
        if ours and isinstance(entry, dict) and entry.get("identitytoken"):
            return (
                f"{path} holds an identity token for {registry}, which zigttp does "
                "not use"
            )

    store = config.get("credsStore")
    if isinstance(store, str) and store:
        return _helper_note(path, registry, f"docker-credential-{store}")
    return ""


def _helper_note(path: Path, registry: str, helper: str) -> str:
    return (
        f"{path} leaves the credentials for {registry} to the helper {helper}, "
        "which zigttp does not run"
    )


def _docker_config(environ: Mapping[str, str]) -> tuple[Path, dict[str, object]]:
    """Where docker's config.json is and what it holds ({} when it is missing)."""
    folder = environ.get("DOCKER_CONFIG")
    path = (
        Path(folder) / "config.json"
        if folder
        else _home(environ) / ".docker" / "config.json"
    )
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return path, {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"reading {path}: {error}; fix or move the file") from error
    return path, config if isinstance(config, dict) else {}


def _entry_credentials(
    entry: dict[str, object], path: Path, key: str
) -> Credentials | None:
    source = f"{path} (entry {key!r})"
    encoded = entry.get("auth")
    if isinstance(encoded, str) and encoded:
        try:
            user, _, secret = (
                base64.b64decode(encoded, validate=True).decode().partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            raise UsageError(
                f"{source}: the auth field is not base64 of user:password"
            ) from None
        return Credentials(user, secret, source) if secret else None

    username, password = entry.get("username"), entry.get("password")
    if isinstance(username, str) and isinstance(password, str) and password:
        return Credentials(username, password, source)

    if entry.get("identitytoken"):
        log.info("%s holds an identity token, which zigttp does not use", source)
    return None


def _registry_of(key: str) -> str:
    """ "https://host:5000/v2/" and "host:5000" both name host:5000."""
    without_scheme = key.split("://", 1)[-1]
    return without_scheme.split("/", 1)[0].lower()


def _home(environ: Mapping[str, str]) -> Path:
    home = environ.get("HOME")
    return Path(home) if home else Path.home()
