"""Registry options shared by `zigttp push` and `zigttp inspect`: who and how."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from zigttp.errors import UsageError
from zigttp.oci.credentials import Credentials

_OPTIONS = (
    click.option(
        "-u",
        "--username",
        help="Registry user name; the password comes from --password-stdin.",
    ),
    click.option(
        "--password-stdin",
        is_flag=True,
        help="Read the registry password from stdin (one line).",
    ),
    click.option(
        "--insecure",
        is_flag=True,
        help="Allow plain HTTP to a registry that is not on this machine.",
    ),
    click.option(
        "--tls",
        is_flag=True,
        help="Use HTTPS for a registry on this machine too (else plain HTTP, "
        "switching to HTTPS when the registry asks for it).",
    ),
    click.option(
        "--ca-bundle",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="PEM file of CAs to trust for the registry's certificate (implies --tls).",
    ),
)


@dataclass(frozen=True)
class RegistryOptions:
    """How to reach a registry and who to be there, as the flags said."""

    username: str | None = None
    password_stdin: bool = False
    insecure: bool = False
    tls: bool = False
    ca_bundle: Path | None = None

    def credentials(self) -> Credentials | None:
        """--username with the password read from stdin; None when not given.

        None lets the registry client look in ZIGTTP_REGISTRY_USERNAME and
        ZIGTTP_REGISTRY_PASSWORD, then in docker's config.json.
        """
        if self.password_stdin and not self.username:
            raise UsageError("--password-stdin needs --username")
        if self.username and not self.password_stdin:
            raise UsageError(
                "--username needs --password-stdin (never a password flag)"
            )
        if not self.username:
            return None
        return Credentials.from_stream(self.username, sys.stdin.read())

    def use_tls(self) -> bool | None:
        """True for HTTPS whatever the host; None to let the host decide."""
        wants_tls = self.tls or self.ca_bundle is not None
        if wants_tls and self.insecure:
            raise UsageError(
                "--insecure allows plain HTTP while --tls and --ca-bundle ask for "
                "HTTPS: give one or the other"
            )
        return True if wants_tls else None


def registry_options(command: Callable[..., None]) -> Callable[..., None]:
    """Add the registry flags to a click command; it receives `registry=`."""

    @functools.wraps(command)
    def with_registry(
        *args: Any,
        username: str | None,
        password_stdin: bool,
        insecure: bool,
        tls: bool,
        ca_bundle: Path | None,
        **kwargs: Any,
    ) -> None:
        options = RegistryOptions(username, password_stdin, insecure, tls, ca_bundle)
        command(*args, registry=options, **kwargs)

    decorated: Callable[..., None] = with_registry
    for option in reversed(_OPTIONS):
        decorated = option(decorated)
    return decorated
