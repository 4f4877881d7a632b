"""Fixtures for runtime tests: handler binaries built from JavaScript and run."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from . import certificates, handlers
from .handlers import Server
from .upstream import Upstream

StartServer = Callable[..., Server]
Launch = Callable[..., Server]

TLS_HOST = "secure.localhost"


def _starter(folder_for: Callable[[], Path]) -> tuple[StartServer, list[Server]]:
    servers: list[Server] = []

    def start(
        modules: Sequence[tuple[str, str]] | str,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        env_names: Sequence[str] = (),
        env_dynamic: bool = False,
        egress: Sequence[str] | None = None,
        cache: Sequence[str] | None = None,
        files_limit: int | None = None,
    ) -> Server:
        folder = folder_for()
        contract = handlers.contract_json(env_names, env_dynamic, egress, cache)
        path = handlers.binary(modules, folder, contract)
        environment = {**handlers.base_env(), **(env or {})}
        server = Server(path, args, environment, files_limit=files_limit)
        servers.append(server)
        return server

    return start, servers


@pytest.fixture
def start_server(build_cache: Path, tmp_path: Path) -> Iterator[StartServer]:
    """start_server(source or modules, args=(), env={}, env_names=(), egress=None,
    cache=None, files_limit=None) -> Server; egress and cache list proven names,
    None is dynamic; files_limit caps the server's open descriptors."""
    count = iter(range(1_000_000))

    def folder() -> Path:
        made = tmp_path / f"server-{next(count)}"
        made.mkdir()
        return made

    start, servers = _starter(folder)
    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def launch(
    build_cache: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Launch]:
    """Like start_server, for servers a whole test module shares."""
    start, servers = _starter(lambda: tmp_path_factory.mktemp("server"))
    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    """A plain HTTP server on 127.0.0.1 for fetch to reach."""
    server = Upstream()
    yield server
    server.stop()


@dataclass(frozen=True)
class TlsFiles:
    """The CA that signed the TLS upstream's certificate, and one that did not."""

    trusted: Path
    other: Path
    certificate: Path
    key: Path


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    folder = tmp_path_factory.mktemp("tls")
    trusted = certificates.authority("zigttp test CA")
    other = certificates.authority("some other CA")
    certificate, key = certificates.server_files(trusted, TLS_HOST, folder)
    (folder / "trusted.pem").write_bytes(trusted.pem())
    (folder / "other.pem").write_bytes(other.pem())
    return TlsFiles(folder / "trusted.pem", folder / "other.pem", certificate, key)


@pytest.fixture
def tls_upstream(tls_files: TlsFiles) -> Iterator[Upstream]:
    """The same server over TLS, with a certificate for secure.localhost."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_files.certificate, tls_files.key)
    server = Upstream(context)
    yield server
    server.stop()
