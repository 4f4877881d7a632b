"""Fixtures for the OCI tests: small images and registries that misbehave.

The real registries (open_registry, basic_registry, token_registry) live in
tests/conftest.py so every folder can push to them; here:

    fake_registry    tests/oci/fake_registry.py, for peers that misbehave

Other folders can reuse the machinery behind them: `tests.oci.real_registry`
(RegistryServer, TokenServer, htpasswd_auth) and `tests.oci.fake_registry`.
Set ZIGTTP_TEST_REQUIRE_TOOLS=1 (CI does) to fail instead of skip when
docker-registry, htpasswd, skopeo or umoci is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from zigttp.oci import build
from zigttp.oci.image import Image
from zigttp.oci.layer import Compression
from zigttp.oci.retry import RetryPolicy

from .fake_registry import FakeRegistry

# Any bytes do as the "binary": the image code never looks inside it.
BINARY = b"\x7fELF not really, but the layer does not care\n" * 20


def small_image(
    binary: bytes = BINARY,
    platform: str = "linux/amd64",
    epoch: int | None = 1_700_000_000,
    compression: Compression = "gzip",
    labels: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
) -> Image:
    """An image built the way `zigttp build` builds one, from made-up inputs."""
    return build.image(
        binary=binary,
        platform=platform,
        labels={"zigttp.proof-level": "complete"} if labels is None else labels,
        annotations={} if annotations is None else annotations,
        epoch=epoch,
        compression=compression,
    )


@pytest.fixture
def make_image() -> Callable[..., Image]:
    """`small_image` as a fixture, so test modules need not import this file."""
    return small_image


@pytest.fixture(autouse=True)
def no_ambient_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the machine's docker config and registry variables out of every test."""
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "no-docker-config"))
    monkeypatch.delenv("ZIGTTP_REGISTRY_USERNAME", raising=False)
    monkeypatch.delenv("ZIGTTP_REGISTRY_PASSWORD", raising=False)


@dataclass
class Sleeps:
    """Stands in for time.sleep in a RetryPolicy: records waits, does not wait."""

    waits: list[float]

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps([])


@pytest.fixture
def quick_retry(sleeps: Sleeps) -> RetryPolicy:
    """Three tries, short backoff, recorded instead of slept."""
    return RetryPolicy(
        tries=3, base_delay=0.2, max_delay=1.0, max_wait=30, sleep=sleeps
    )


@pytest.fixture
def fake_registry() -> Iterator[FakeRegistry]:
    fake = FakeRegistry()
    yield fake
    fake.stop()
