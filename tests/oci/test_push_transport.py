"""The connection itself: TLS, plain HTTP only where it is safe, timeouts."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.tools import require_tool
from zigttp.errors import TransportError, UsageError
from zigttp.oci import registry
from zigttp.oci.image import Image
from zigttp.oci.known_blobs import KnownBlobs
from zigttp.oci.reference import Reference
from zigttp.oci.retry import RetryPolicy
from zigttp.oci.transport import DEFAULT_TIMEOUT, PING_SECONDS, Session
from zigttp.progress import Step

from .conftest import Sleeps
from .fake_registry import FakeRegistry, Reply, Request, tls_files
from .real_registry import RegistryServer

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
        ("127.0.0.1:5000/a", {"tls": True, "insecure": True}, "https"),
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


@pytest.fixture
def https_registry(tmp_path: Path) -> Iterator[tuple[RegistryServer, Path]]:
    """The real registry serving HTTPS only, and its self-signed certificate."""
    require_tool("docker-registry")
    files = tls_files(tmp_path / "tls")
    server = RegistryServer(tmp_path / "registry", tls=files)
    yield server, files / "cert.pem"
    server.stop()


def test_a_ca_bundle_alone_means_https_on_this_machine(
    make_image: MakeImage, https_registry: tuple[RegistryServer, Path]
) -> None:
    server, certificate = https_registry
    image = make_image()

    result = registry.push(
        image,
        f"{server.host}/team/app:1",
        ca_bundle=certificate,
        known=registry.KnownBlobs(),
    )

    assert result.digest == image.digest
    assert registry.read(f"{server.host}/team/app:1", ca_bundle=certificate).digest == (
        image.digest
    )


def test_plain_http_told_to_use_https_switches_to_verified_https(
    make_image: MakeImage,
    https_registry: tuple[RegistryServer, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, certificate = https_registry
    # The system's roots, as OpenSSL reads them, are this test's certificate.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    steps: list[Step] = []
    image = make_image()

    result = registry.push(
        image, f"{server.host}/team/app:1", progress=steps.append, known=KnownBlobs()
    )

    assert result.digest == image.digest
    assert f"{server.host} answers only HTTPS: using HTTPS" in steps[0].label


def test_an_untrusted_certificate_fails_at_once_and_names_the_fix(
    make_image: MakeImage,
    https_registry: tuple[RegistryServer, Path],
    quick_retry: RetryPolicy,
    sleeps: Sleeps,
) -> None:
    server, _ = https_registry

    with pytest.raises(TransportError) as raised:
        registry.push(make_image(), f"{server.host}/team/app:1", retry=quick_retry)

    message = str(raised.value)
    assert "CERTIFICATE_VERIFY_FAILED" in message
    assert "give the CA that signed it with --ca-bundle" in message
    assert sleeps.waits == []


def test_each_retry_is_told_to_progress(
    make_image: MakeImage,
    fake_registry: FakeRegistry,
    quick_retry: RetryPolicy,
    sleeps: Sleeps,
) -> None:
    answers = iter([503, 503])

    def busy(request: Request) -> Reply | None:
        if request.path == "/v2/":
            return Reply(next(answers, 200), {}, b"{}")
        return None

    fake_registry.intercept = busy
    steps: list[Step] = []

    registry.push(
        make_image(),
        f"{fake_registry.host}/team/app:1",
        retry=quick_retry,
        progress=steps.append,
        known=KnownBlobs(),
    )

    said = [step.label for step in steps if "retrying" in step.label]
    url = f"http://{fake_registry.host}/v2/"
    assert said == [
        f"checking the registry at {url}: registry answered 503; "
        f"retrying in {sleeps.waits[0]:.1f} s, try 2 of 3",
        f"checking the registry at {url}: registry answered 503; "
        f"retrying in {sleeps.waits[1]:.1f} s, try 3 of 3",
    ]


def test_a_stalled_ping_gives_up_after_its_own_shorter_timeout(
    make_image: MakeImage,
    fake_registry: FakeRegistry,
    quick_retry: RetryPolicy,
) -> None:
    released = threading.Event()

    def stall(request: Request) -> Reply | None:
        released.wait(10)
        return None

    fake_registry.intercept = stall
    steps: list[Step] = []
    started = time.monotonic()

    try:
        with pytest.raises(TransportError) as raised:
            registry.push(
                make_image(),
                f"{fake_registry.host}/team/app:1",
                timeout=30.0,
                ping_seconds=0.2,
                retry=quick_retry,
                progress=steps.append,
            )
    finally:
        released.set()

    assert time.monotonic() - started < 2.0
    assert str(raised.value).endswith(
        "ReadTimeout: no answer within 0.2 s; gave up after 3 tries"
    )
    assert sum("retrying in" in step.label for step in steps) == 2


def test_the_ping_timeout_is_shorter_than_the_others() -> None:
    with Session(Reference.parse("127.0.0.1:5000/a")) as session:
        assert session.ping_timeout.read == PING_SECONDS
        assert DEFAULT_TIMEOUT.read is not None
        assert DEFAULT_TIMEOUT.read > PING_SECONDS


def test_a_tls_server_hanging_up_on_plain_http_suggests_tls(
    make_image: MakeImage,
    tls_registry: tuple[FakeRegistry, Path],
    quick_retry: RetryPolicy,
) -> None:
    fake, _ = tls_registry

    with pytest.raises(TransportError) as raised:
        registry.push(make_image(), f"{fake.host}/team/app:1", retry=quick_retry)

    assert str(raised.value).startswith(f"checking the registry at http://{fake.host}")
    assert str(raised.value).endswith(
        "; gave up after 3 tries; if it serves HTTPS, pass --tls (with --ca-bundle "
        "naming its CA)"
    )
