"""Registries that misbehave: cases R1-R5, R7, R8, R13 and R14 of shared/cases."""

from __future__ import annotations

import email.utils
import itertools
import json
import time
from collections.abc import Callable, Iterator

import pytest

from zigttp import canonical
from zigttp.errors import RegistryError, TransportError
from zigttp.oci import registry
from zigttp.oci.credentials import Credentials
from zigttp.oci.image import Image
from zigttp.oci.retry import RetryPolicy

from .conftest import Sleeps
from .fake_registry import FakeRegistry, Reply, Request, StorageHost
from .real_registry import TokenServer

MakeImage = Callable[..., Image]


def push(image: Image, ref: str, **options: object) -> registry.PushResult:
    options.setdefault("known", registry.KnownBlobs())
    options.setdefault("concurrency", 1)
    return registry.push(image, ref, **options)  # type: ignore[arg-type]


@pytest.fixture
def second_fake(fake_registry: FakeRegistry) -> Iterator[FakeRegistry]:
    """Another host sharing the first one's storage."""
    other = FakeRegistry(fake_registry.store)
    yield other
    other.stop()


@pytest.mark.parametrize(
    "location",
    [
        "/v2/{name}/blobs/uploads/{upload}?_state=abc%3D%3D+x",  # R1
        "/v2/{name}/blobs/uploads/{upload}",
        "relative/{upload}?_state=1",
        "/uploads-area/ns/p/r/{upload}?_state=Z",  # R3
        "http://{host}/somewhere/else/{upload}",
    ],
)
def test_upload_location_is_opaque_and_resolved_against_its_answer(
    make_image: MakeImage, fake_registry: FakeRegistry, location: str
) -> None:
    def make_location(name: str, upload: str) -> str:
        return location.format(name=name, upload=upload, host=fake_registry.host)

    fake_registry.upload_location = make_location
    image = make_image()

    push(image, f"{fake_registry.host}/team/app:1")

    puts = [r for r in fake_registry.seen("PUT") if "/manifests/" not in r.path]
    assert len(puts) == 2
    for put in puts:
        upload = put.path.rsplit("/", 1)[-1]
        given = make_location("team/app", upload).replace(
            f"http://{fake_registry.host}", ""
        )
        if given.startswith("relative/"):
            given = "/v2/team/app/blobs/uploads/" + given
        separator = "&" if "?" in given else "?"
        assert put.target == f"{given}{separator}digest={put.query['digest'][0]}"
    assert set(fake_registry.store.blobs) == set(image.blobs)


def test_r2_redirected_upload_resolves_against_the_final_host(
    make_image: MakeImage, fake_registry: FakeRegistry, second_fake: FakeRegistry
) -> None:
    def send_uploads_away(request: Request) -> Reply | None:
        if request.method == "POST" and "mount" not in request.query:
            return Reply(
                307, {"Location": f"http://{second_fake.host}{request.target}"}
            )
        return None

    fake_registry.intercept = send_uploads_away
    fake_registry.challenge = 'Basic realm="fake"'
    image = make_image()

    push(image, f"{fake_registry.host}/team/app:1", auth=Credentials("u", "p"))

    assert len(second_fake.seen("POST")) == 2
    assert len(second_fake.seen("PUT")) == 2
    assert not [r for r in fake_registry.seen("PUT") if "/uploads/" in r.path]
    assert all("authorization" not in r.headers for r in second_fake.requests)
    assert set(fake_registry.store.blobs) == set(image.blobs)


@pytest.mark.parametrize("header", [None, "same"])
def test_r4_manifest_digest_header_may_be_missing(
    make_image: MakeImage, fake_registry: FakeRegistry, header: str | None
) -> None:
    fake_registry.send_manifest_digest = lambda digest: digest if header else None
    image = make_image()

    result = push(image, f"{fake_registry.host}/team/app:1")

    assert result.digest == image.digest
    assert str(result.reference) == f"{fake_registry.host}/team/app:1@{image.digest}"


def test_r4_a_different_manifest_digest_fails_loudly(
    make_image: MakeImage, fake_registry: FakeRegistry
) -> None:
    other = "sha256:" + "0" * 64
    fake_registry.send_manifest_digest = lambda digest: other

    with pytest.raises(RegistryError, match=f"the registry computed {other}"):
        push(make_image(), f"{fake_registry.host}/team/app:1")


@pytest.fixture
def storage(fake_registry: FakeRegistry) -> Iterator[StorageHost]:
    host = StorageHost(fake_registry.store)
    yield host
    host.stop()


def test_r5_redirected_blobs_count_as_present_and_read_without_credentials(
    make_image: MakeImage, fake_registry: FakeRegistry, storage: StorageHost
) -> None:
    fake_registry.challenge = 'Basic realm="fake"'
    login = Credentials("u", "p")
    image = make_image()
    ref = f"{fake_registry.host}/team/app:1"
    push(image, ref, auth=login)
    fake_registry.blob_redirect = storage.url

    again = push(image, ref, auth=login)
    read = registry.read(ref, auth=login)

    assert [blob.outcome for blob in again.blobs] == ["skipped", "skipped"]
    assert read.blobs == image.blobs
    assert {r.method for r in storage.requests} == {"GET"}
    assert all("authorization" not in r.headers for r in storage.requests)


@pytest.fixture
def tokens(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TokenServer]:
    server = TokenServer(
        tmp_path_factory.mktemp("tokens"),
        users={"u": "p"},
        rights={"u": {"*": "pull,push"}},
    )
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("challenge", "scopes"),
    [
        (
            'Bearer realm="{realm}",service="svc",'
            'scope="repository:team/app:pull,push"',
            ["repository:team/app:pull,push"],
        ),
        (
            'Basic realm="fake", Bearer realm="{realm}",service="svc"',
            ["repository:team/app:pull,push"],
        ),
        ('bearer REALM="{realm}", Service=svc', ["repository:team/app:pull,push"]),
        (
            'Bearer realm="{realm}?note=\\"a, b\\"",service="svc"',
            ["repository:team/app:pull,push"],
        ),
        (
            'Bearer realm="{realm}",service="svc",scope="repository:team/app:pull,'
            'push repository:team/base:pull"',
            ["repository:team/app:pull,push", "repository:team/base:pull"],
        ),
    ],
)
def test_r7_challenges_are_parsed_and_each_scope_sent_alone(
    make_image: MakeImage,
    fake_registry: FakeRegistry,
    tokens: TokenServer,
    challenge: str,
    scopes: list[str],
) -> None:
    fake_registry.challenge = challenge.format(realm=tokens.realm)
    fake_registry.accept = lambda authorization: authorization.startswith("Bearer ")

    push(make_image(), f"{fake_registry.host}/team/app:1", auth=Credentials("u", "p"))

    assert tokens.requests
    for query, had_basic in tokens.requests:
        assert had_basic
        assert [value for key, value in query if key == "service"] == ["svc"]
        assert [value for key, value in query if key == "scope"] == scopes


def test_r8_manifests_carry_the_media_type_they_are_sent_as(
    make_image: MakeImage, fake_registry: FakeRegistry
) -> None:
    from zigttp.oci import build

    fake_registry.strict_media_type = True
    index = build.index([make_image(), make_image(platform="linux/arm64")], {})

    result = registry.push(index, f"{fake_registry.host}/team/app:1")

    assert result.digest == index.digest


def test_r8_registry_error_code_and_message_reach_the_user(
    make_image: MakeImage, fake_registry: FakeRegistry
) -> None:
    fake_registry.strict_media_type = True
    image = make_image()
    body = json.loads(image.manifest)
    del body["mediaType"]
    bare = Image(canonical.dumps(body), image.config, image.layers)

    with pytest.raises(RegistryError) as raised:
        push(bare, f"{fake_registry.host}/team/app:1")

    assert raised.value.status == 400
    assert raised.value.codes == ["MANIFEST_INVALID"]
    assert "MANIFEST_INVALID manifest invalid: mediaType does not match" in str(
        raised.value
    )


def answer_429_first(times: int, retry_after: str) -> Callable[[Request], Reply | None]:
    counter = itertools.count()

    def intercept(request: Request) -> Reply | None:
        if request.method == "HEAD" and next(counter) < times:
            return Reply(429, {"Retry-After": retry_after}, b"")
        return None

    return intercept


@pytest.mark.parametrize(
    ("retry_after", "low", "high"),
    [
        ("2", 2.0, 2.06),
        ("3600", 30.0, 30.06),  # capped at max_wait
    ],
)
def test_r13_waits_as_told_then_continues(
    make_image: MakeImage,
    fake_registry: FakeRegistry,
    quick_retry: RetryPolicy,
    sleeps: Sleeps,
    retry_after: str,
    low: float,
    high: float,
) -> None:
    fake_registry.intercept = answer_429_first(2, retry_after)

    result = push(make_image(), f"{fake_registry.host}/team/app:1", retry=quick_retry)

    assert result.count("uploaded") == 2
    assert len(sleeps.waits) == 2
    assert all(low <= wait <= high for wait in sleeps.waits), sleeps.waits


def test_r13_retry_after_as_an_http_date(
    make_image: MakeImage,
    fake_registry: FakeRegistry,
    quick_retry: RetryPolicy,
    sleeps: Sleeps,
) -> None:
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    fake_registry.intercept = answer_429_first(1, when)

    push(make_image(), f"{fake_registry.host}/team/app:1", retry=quick_retry)

    assert len(sleeps.waits) == 1
    assert 3.5 <= sleeps.waits[0] <= 5.1


def test_r13_gives_up_after_bounded_tries(
    make_image: MakeImage, fake_registry: FakeRegistry, quick_retry: RetryPolicy
) -> None:
    fake_registry.intercept = answer_429_first(1000, "1")

    with pytest.raises(RegistryError) as raised:
        push(make_image(), f"{fake_registry.host}/team/app:1", retry=quick_retry)

    assert raised.value.status == 429
    assert "gave up after 3 tries" in str(raised.value)
    assert len(fake_registry.seen("HEAD")) == 3
    assert not fake_registry.seen("PUT")


def drop_uploads(times: int, method: str) -> Callable[[Request], Reply | None]:
    counter = itertools.count()

    def intercept(request: Request) -> Reply | None:
        uploading = request.method == method and "/manifests/" not in request.path
        if uploading and next(counter) < times:
            return Reply(drop=True)
        return None

    return intercept


@pytest.mark.parametrize(("method", "chunk_size"), [("PUT", 1 << 20), ("PATCH", 256)])
def test_r14_broken_upload_restarts_from_a_fresh_session(
    make_image: MakeImage,
    fake_registry: FakeRegistry,
    quick_retry: RetryPolicy,
    method: str,
    chunk_size: int,
) -> None:
    fake_registry.intercept = drop_uploads(1, method)
    image = make_image()

    result = push(
        image,
        f"{fake_registry.host}/team/app:1",
        retry=quick_retry,
        chunk_size=chunk_size,
    )

    assert result.count("uploaded") == 2
    assert len(fake_registry.seen("POST", "/blobs/uploads/")) == 3
    assert set(fake_registry.store.blobs) == set(image.blobs)
    manifest_at = fake_registry.requests.index(
        fake_registry.seen("PUT", "/manifests/")[0]
    )
    assert all(
        r.method != "PATCH" and not (r.method == "PUT" and "/uploads/" in r.path)
        for r in fake_registry.requests[manifest_at:]
    )


def test_r14_no_manifest_when_a_blob_never_arrives(
    make_image: MakeImage, fake_registry: FakeRegistry, quick_retry: RetryPolicy
) -> None:
    fake_registry.intercept = drop_uploads(1000, "PUT")

    with pytest.raises(TransportError, match="uploading blob") as raised:
        push(make_image(), f"{fake_registry.host}/team/app:1", retry=quick_retry)

    assert str(raised.value).endswith("; gave up after 3 tries")
    assert not fake_registry.seen("PUT", "/manifests/")
    assert len(fake_registry.seen("POST", "/blobs/uploads/")) == quick_retry.tries


def test_a_failing_upload_start_is_tried_a_bounded_number_of_times(
    make_image: MakeImage, fake_registry: FakeRegistry, quick_retry: RetryPolicy
) -> None:
    def refuse_uploads(request: Request) -> Reply | None:
        return Reply(503, {}, b"") if request.method == "POST" else None

    fake_registry.intercept = refuse_uploads

    with pytest.raises(RegistryError, match="gave up after 3 tries") as raised:
        push(make_image(), f"{fake_registry.host}/team/app:1", retry=quick_retry)

    assert raised.value.status == 503
    assert len(fake_registry.seen("POST")) == quick_retry.tries
    assert not fake_registry.seen("PUT")


def test_a_registry_error_message_cannot_drive_the_terminal(
    make_image: MakeImage, fake_registry: FakeRegistry
) -> None:
    hostile = "bad\x1b]0;pwned\x07 name\r\x1b[2Kall fine" + "!" * 1000
    body = json.dumps({"errors": [{"code": "NAME_INVALID", "message": hostile}]})
    fake_registry.intercept = lambda request: (
        Reply(400, {}, body.encode()) if request.method == "POST" else None
    )

    with pytest.raises(RegistryError) as raised:
        push(make_image(), f"{fake_registry.host}/team/app:1")

    message = str(raised.value)
    assert "bad\\x1b]0;pwned\\x07 name\\r\\x1b[2Kall fine!!!" in message
    assert not set(message) & {"\x1b", "\x07", "\r", "\n"}
    assert len(message) < 600


def test_an_upload_answered_503_every_time_says_how_often_it_was_tried(
    make_image: MakeImage, fake_registry: FakeRegistry, quick_retry: RetryPolicy
) -> None:
    def refuse_bodies(request: Request) -> Reply | None:
        uploading = request.method == "PUT" and "/uploads/" in request.path
        return Reply(503, {}, b"") if uploading else None

    fake_registry.intercept = refuse_bodies

    with pytest.raises(RegistryError) as raised:
        push(make_image(), f"{fake_registry.host}/team/app:1", retry=quick_retry)

    assert raised.value.status == 503
    assert "registry answered 503: gave up after 3 tries; the registry failed" in str(
        raised.value
    )
