"""`zigttp control-plane`: run the reference control plane and manage its tokens."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from zigttp import dirs
from zigttp.errors import ControlPlaneError, UsageError

from . import output

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from zigttp.controlplane.config import Settings

DATA_DIR_VARIABLE = "ZIGTTP_CP_DATA_DIR"


def default_data_dir() -> Path:
    override = os.environ.get(DATA_DIR_VARIABLE)
    return Path(override) if override else dirs.home_dir() / "control-plane"


data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=default_data_dir,
    show_default=f"${DATA_DIR_VARIABLE} or ~/.zigttp/control-plane",
    help="Database, keys, registry storage and unpacked services.",
)
host_option = click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind (loopback unless --allow-remote).",
)
allow_remote_option = click.option(
    "--allow-remote",
    is_flag=True,
    help="Accept --host/--registry-host addresses other machines can reach.",
)
port_option = click.option(
    "--port",
    default=8700,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port for the API, the pages and the service proxy.",
)


@click.group("control-plane")
def control_plane() -> None:
    """Run the reference control plane (needs the `server` extra).

    \b
    Example:
      zigttp control-plane dev          # control plane + registry + local provider
      zigttp control-plane token create --email you@example.com
    """


@control_plane.command()
@data_dir_option
@host_option
@port_option
@click.option(
    "--registry-port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Port for the dev registry (default: remembered, else free).",
)
@allow_remote_option
def dev(
    data_dir: Path,
    host: str,
    port: int,
    registry_port: int | None,
    allow_remote: bool,
) -> None:
    """Start the control plane with a local registry and the local provider.

    Prints the URL to export and, on the first start, an access token.
    Ctrl-C stops everything; the next start relaunches the services.

    \b
    Example:
      zigttp control-plane dev --port 8700
    """
    from zigttp.controlplane import config, data_lock
    from zigttp.controlplane import dev as stack

    began = time.monotonic()
    settings = config.from_environment(data_dir, host, port, allow_remote=allow_remote)

    def started(info: stack.Started) -> None:
        output.say(
            f"control plane on {info.url} (registry {info.registry_host}, "
            f"releases run as {info.runtime}) in {time.monotonic() - began:.2f} s"
        )
        if info.first_token:
            output.say(f"first access token for {info.email} (shown once):")
            output.result(f"export ZIGTTP_TOKEN={info.first_token}")
        # The URL line comes last: scripts may stop reading once they see it.
        output.result(f"export ZIGTTP_CONTROL_PLANE_URL={info.url}")
        output.say("press Ctrl-C to stop")

    with data_lock.held(settings.data_dir):
        remembered = stack.registry_port(settings.data_dir, registry_port)
        stack.run(settings.with_registry(f"127.0.0.1:{remembered}"), started)


@control_plane.command()
@data_dir_option
@host_option
@port_option
@click.option(
    "--registry-host",
    required=True,
    metavar="HOST:PORT",
    help="The registry whose token issuer this server is.",
)
@allow_remote_option
def serve(
    data_dir: Path, host: str, port: int, registry_host: str, allow_remote: bool
) -> None:
    """Run the control plane against a registry you run yourself.

    Write that registry's config with `zigttp control-plane registry-config`.

    \b
    Example:
      zigttp control-plane serve --registry-host 127.0.0.1:5000
    """
    from zigttp.controlplane import data_lock, server
    from zigttp.controlplane.plane import ControlPlane

    settings = _settings(data_dir, host, port, registry_host, allow_remote)
    with data_lock.held(settings.data_dir):
        listener = server.listen(settings.host, settings.port)
        plane = ControlPlane.open(settings)
        try:
            server.run(
                plane,
                listener,
                lambda: output.result(
                    f"export ZIGTTP_CONTROL_PLANE_URL={settings.public_url}"
                ),
            )
        finally:
            listener.close()
            plane.close()


@control_plane.command("registry-config")
@data_dir_option
@host_option
@port_option
@click.option(
    "--registry-host",
    required=True,
    metavar="HOST:PORT",
    help="Where the registry will listen (http.addr).",
)
@allow_remote_option
def registry_config(
    data_dir: Path, host: str, port: int, registry_host: str, allow_remote: bool
) -> None:
    """Write a docker-registry config whose token auth trusts this control plane.

    Prints the config path; run `docker-registry serve PATH`.

    \b
    Example:
      zigttp control-plane registry-config --registry-host 127.0.0.1:5000
    """
    from zigttp.controlplane import registry_process
    from zigttp.controlplane.registry_auth import TokenIssuer

    settings = _settings(data_dir, host, port, registry_host, allow_remote)
    folder = settings.data_dir / "registry"
    folder.mkdir(parents=True, exist_ok=True)
    issuer = TokenIssuer(folder, settings.token_issuer, settings.registry_service)
    output.result(str(registry_process.write_config(settings, issuer, folder)))


@control_plane.group()
def token() -> None:
    """Access tokens for the control plane."""


@token.command("create")
@data_dir_option
@click.option("--email", required=True, help="The account; created when new.")
@click.option("--label", default="cli", show_default=True, help="A note for the log.")
def token_create(data_dir: Path, email: str, label: str) -> None:
    """Create an access token and print it once (only its hash is kept).

    The data dir must be one a control plane has started in.

    \b
    Example:
      zigttp control-plane token create --email you@example.com
    """
    from zigttp.controlplane import accounts

    try:
        with _existing_database(data_dir) as session:
            account = accounts.account_for(session, email)
            created = accounts.create_token(session, account, label)
            namespace = account.namespace
    except ControlPlaneError as error:
        raise UsageError(f"--email: {error.detail}") from error
    output.say(f"token for {email.lower()} (namespace {namespace}); it is shown once:")
    output.result(created)


@token.command("list")
@data_dir_option
@click.option("--email", default=None, help="Only this account's tokens.")
def token_list(data_dir: Path, email: str | None) -> None:
    """List access tokens: id, account, label, when made and last used, state.

    \b
    Example:
      zigttp control-plane token list --email you@example.com
    """
    from zigttp.controlplane import access_tokens

    with _existing_database(data_dir) as session:
        found = access_tokens.listed(session, email)

    rows = [("ID", "EMAIL", "LABEL", "CREATED", "LAST USED", "STATE")]
    for info in found:
        state = f"revoked {_when(info.revoked_at)}" if info.revoked_at else "active"
        rows.append(
            (
                info.token_id,
                info.email,
                info.label,
                _when(info.created_at),
                _when(info.last_used_at),
                state,
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        output.result("  ".join([*cells, row[5]]))


@token.command("revoke")
@data_dir_option
@click.argument("token_id")
def token_revoke(data_dir: Path, token_id: str) -> None:
    """Revoke an access token; browser sessions signed in with it end too.

    \b
    Example:
      zigttp control-plane token revoke tok_0123456789abcdef0123
    """
    from zigttp.controlplane import access_tokens

    with _existing_database(data_dir) as session:
        revoked = access_tokens.revoke(session, token_id)

    info = revoked.token
    if revoked.already:
        output.say(f"{info.token_id} of {info.email} was revoked already")
    else:
        output.say(f"revoked {info.token_id} of {info.email} ({info.label})")
    if revoked.sessions_ended:
        output.say(
            f"ended {revoked.sessions_ended} browser session(s) signed in with it"
        )


def _settings(
    data_dir: Path, host: str, port: int, registry_host: str, allow_remote: bool
) -> Settings:
    from zigttp.controlplane import addresses, config

    registry = addresses.host_port(registry_host, "--registry-host", allow_remote)
    settings = config.from_environment(data_dir, host, port, allow_remote=allow_remote)
    return settings.with_registry(registry)


@contextmanager
def _existing_database(data_dir: Path) -> Iterator[Session]:
    """A transaction on the database of the control plane in `data_dir`, brought
    up to date first; never a new, empty database."""
    from zigttp.controlplane import config, database

    settings = config.from_environment(data_dir)
    opened = database.open_existing(settings.sqlalchemy_url, str(settings.data_dir))
    try:
        opened.migrate()
        with opened.transaction() as session:
            yield session
    finally:
        opened.close()


def _when(moment: float | None) -> str:
    if moment is None:
        return "never"
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))
