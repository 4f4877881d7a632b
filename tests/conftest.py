"""Fixtures every test folder may use.

build_cache      ZIGTTP_CACHE_DIR for the session, host runtime built once
tool_env         environment for skopeo and umoci (private XDG_RUNTIME_DIR)
run_tool         run a Debian image tool and insist that it succeeds
open_registry    the real docker-registry on 127.0.0.1, anonymous
basic_registry   the same behind htpasswd Basic auth (user "bob")
token_registry   the same behind token auth from a local ES256 token server:
                 "alice" may pull and push everywhere, "reader" only pull
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from zigttp.oci.credentials import Credentials
from zigttp.toolchain import build, targets

from .oci.real_registry import RegistryServer, TokenServer, htpasswd_auth
from .tools import require_tool

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def build_cache() -> Iterator[Path]:
    """ZIGTTP_CACHE_DIR for the session, with the host runtime already built.

    An existing ZIGTTP_CACHE_DIR is used as it is; otherwise the cache lives in
    test-artifacts/ so the ~1 minute first build happens once per checkout.
    """
    path = Path(os.environ.get("ZIGTTP_CACHE_DIR") or REPO / "test-artifacts" / "cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ZIGTTP_CACHE_DIR", str(path))
        build.warm([targets.host()])
        yield path


@pytest.fixture
def tool_env(tmp_path: Path) -> dict[str, str]:
    """Environment for skopeo and umoci: a private, writable XDG_RUNTIME_DIR."""
    runtime = tmp_path / "xdg-runtime"
    runtime.mkdir(mode=0o700)
    return {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(tmp_path)}


@pytest.fixture
def run_tool(
    tool_env: dict[str, str],
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run a real image tool and insist that it succeeds."""

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        require_tool(args[0])
        result = subprocess.run(
            args, env=tool_env, cwd=cwd, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stderr}"
        return result

    return run


@pytest.fixture
def open_registry(tmp_path: Path) -> Iterator[RegistryServer]:
    require_tool("docker-registry")
    server = RegistryServer(tmp_path / "registry")
    yield server
    server.stop()


@dataclass(frozen=True)
class AuthRegistry:
    """A registry with auth, and credentials that do and do not work there."""

    server: RegistryServer
    pusher: Credentials
    reader: Credentials | None
    tokens: TokenServer | None = None


@pytest.fixture
def basic_registry(tmp_path: Path) -> Iterator[AuthRegistry]:
    require_tool("docker-registry")
    require_tool("htpasswd")
    auth = htpasswd_auth(tmp_path, {"bob": "bob-secret"})
    server = RegistryServer(tmp_path / "registry", auth=auth)
    yield AuthRegistry(server, Credentials("bob", "bob-secret"), None)
    server.stop()


@pytest.fixture
def token_registry(tmp_path: Path) -> Iterator[AuthRegistry]:
    require_tool("docker-registry")
    tokens = TokenServer(
        tmp_path / "tokens",
        users={"alice": "alice-secret", "reader": "reader-secret"},
        rights={"alice": {"*": "pull,push"}, "reader": {"*": "pull"}},
    )
    server = RegistryServer(tmp_path / "registry", auth=tokens.registry_auth())
    yield AuthRegistry(
        server,
        Credentials("alice", "alice-secret"),
        Credentials("reader", "reader-secret"),
        tokens,
    )
    server.stop()
    tokens.stop()
