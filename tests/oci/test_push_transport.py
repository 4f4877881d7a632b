"""The connection itself: TLS, plain HTTP only where it is safe, timeouts."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from zigttp.errors import TransportError, UsageError
from zigttp.oci import registry
from zigttp.oci.image import Image
from zigttp.oci.reference import Reference
from zigttp.oci.retry import RetryPolicy
from zigttp.oci.transport import Session

from .fake_registry import FakeRegistry, Reply, Request, tls_files

MakeImage = Callable[..., Image]


@pytest.fixture
def tls_registry(tmp_path: Path) -> Iterator[tuple[FakeRegistry, Path]]:
    files = tls_files(tmp_path / "tls")
    fake = FakeRegistry(tls=files)
    yield fake, files / "cert.pem"
    fake.stop()


def test_tls_with_a_ca_bundle(
    make_image: MakeImage, tls_registry: tuple[FakeRegistry, Path]
) -> None:
    fake, certificate = tls_registry
    image = make_image()

    result = registry.push(
        image,
        f"{fake.host}/team/app:1",
        tls=True,
        ca_bundle=certificate,
        known=registry.KnownBlobs(),
    )

    assert result.digest == image.digest
    assert set(fake.store.blobs) == set(image.blobs)


def test_tls_verification_is_never_skipped(
    make_image: MakeImage,
    tls_registry: tuple[FakeRegistry, Path],
    quick_retry: RetryPolicy,
) -> None:
    fake, _ = tls_registry

    with pytest.raises(TransportError, match="CERTIFICATE_VERIFY_FAILED"):
        registry.push(
            make_image(), f"{fake.host}/team/app:1", tls=True, retry=quick_retry
        )


@pytest.mark.parametrize(
    ("text", "options", "scheme"),
    [
        ("localhost:5000/a", {}, "http"),
        ("127.0.0.1:5000/a", {}, "http"),
        ("[::1]:5000/a", {}, "http"),
        ("127.0.0.1:5000/a", {"tls": True}, "https"),
        ("registry.test:5000/a", {}, "https"),
        ("registry.test:5000/a", {"insecure": True}, "http"),
    ],
)
def test_plain_http_only_on_this_machine_or_when_allowed(
    text: str, options: dict[str, bool], scheme: str
) -> None:
    with Session(Reference.parse(text), **options) as session:  # type: ignore[arg-type]
        assert session.base.scheme == scheme


def test_plain_http_to_another_host_is_refused() -> None:
    with pytest.raises(UsageError, match="needs insecure=True"):
        Session(Reference.parse("registry.test/a"), tls=False)


def test_a_registry_that_never_answers_times_out(
    make_image: MakeImage, fake_registry: FakeRegistry, quick_retry: RetryPolicy
) -> None:
    def stall(request: Request) -> Reply | None:
        time.sleep(1.0)
        return None

    fake_registry.intercept = stall
    started = time.monotonic()

    with pytest.raises(TransportError, match="ReadTimeout"):
        registry.push(
            make_image(),
            f"{fake_registry.host}/team/app:1",
            timeout=httpx.Timeout(0.2),
            retry=quick_retry,
        )

    assert time.monotonic() - started < 2.0


def test_unreadable_ca_bundle_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "bundle.pem").write_text("not a certificate")

    with pytest.raises(UsageError, match="reading the CA bundle"):
        Session(Reference.parse("registry.test/a"), ca_bundle=tmp_path / "bundle.pem")
