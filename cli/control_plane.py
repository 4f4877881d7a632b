"""`zigttp control-plane`: run the reference control plane and manage its tokens."""

from __future__ import annotations

import os
import time
from pathlib import Path

import click

from zigttp import dirs
from zigttp.errors import ControlPlaneError, UsageError

from . import output

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
    "--host", default="127.0.0.1", show_default=True, help="Address to bind."
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
def dev(data_dir: Path, host: str, port: int, registry_port: int | None) -> None:
    """Start the control plane with a local registry and the local provider.

    Prints the URL to export and, on the first start, an access token.
    Ctrl-C stops everything; the next start relaunches the services.

    \b
    Example:
      zigttp control-plane dev --port 8700
    """
    from zigttp.controlplane import config
    from zigttp.controlplane import dev as stack

    began = time.monotonic()
    settings = config.from_environment(data_dir, host, port)
    registry = f"127.0.0.1:{stack.registry_port(settings.data_dir, registry_port)}"
    settings = settings.with_registry(registry)

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

    stack.run(settings, started)


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
def serve(data_dir: Path, host: str, port: int, registry_host: str) -> None:
    """Run the control plane against a registry you run yourself.

    Write that registry's config with `zigttp control-plane registry-config`.

    \b
    Example:
      zigttp control-plane serve --registry-host 127.0.0.1:5000
    """
    from zigttp.controlplane import config, server
    from zigttp.controlplane.plane import ControlPlane

    settings = config.from_environment(data_dir, host, port).with_registry(
        registry_host
    )
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
def registry_config(data_dir: Path, host: str, port: int, registry_host: str) -> None:
    """Write a docker-registry config whose token auth trusts this control plane.

    Prints the config path; run `docker-registry serve PATH`.

    \b
    Example:
      zigttp control-plane registry-config --registry-host 127.0.0.1:5000
    """
    from zigttp.controlplane import config, registry_process
    from zigttp.controlplane.registry_auth import TokenIssuer

    settings = config.from_environment(data_dir, host, port).with_registry(
        registry_host
    )
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

    \b
    Example:
      zigttp control-plane token create --email you@example.com
    """
    from zigttp.controlplane import accounts, config
    from zigttp.controlplane.database import Database

    settings = config.from_environment(data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings.sqlalchemy_url)
    try:
        database.migrate()
        with database.transaction() as session:
            account = accounts.account_for(session, email)
            created = accounts.create_token(session, account, label)
            namespace = account.namespace
    except ControlPlaneError as error:
        raise UsageError(f"--email: {error.detail}") from error
    finally:
        database.close()
    output.say(f"token for {email.lower()} (namespace {namespace}); it is shown once:")
    output.result(created)
