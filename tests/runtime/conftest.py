"""Fixtures for runtime tests: handler binaries built from JavaScript and run."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from . import handlers
from .handlers import Server

StartServer = Callable[..., Server]


@pytest.fixture
def start_server(build_cache: Path, tmp_path: Path) -> Iterator[StartServer]:
    """start_server(source or modules, args=(), env={}, env_names=()) -> Server."""
    servers: list[Server] = []

    def start(
        modules: Sequence[tuple[str, str]] | str,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        env_names: Sequence[str] = (),
        env_dynamic: bool = False,
    ) -> Server:
        folder = tmp_path / f"server-{len(servers)}"
        folder.mkdir()
        contract = handlers.contract_json(env_names, env_dynamic)
        path = handlers.binary(modules, folder, contract)
        server = Server(path, args, {**handlers.base_env(), **(env or {})})
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
