"""Logging in to registries: Basic, Bearer tokens, and the errors people see."""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import AuthRegistry
from zigttp.errors import RegistryAuthError, TransportError
from zigttp.oci import registry
from zigttp.oci.credentials import Credentials
from zigttp.oci.image import Image
from zigttp.oci.reference import Reference
from zigttp.oci.retry import RetryPolicy
from zigttp.oci.transport import Session

from .conftest import Sleeps

MakeImage = Callable[..., Image]
RunTool = Callable[..., subprocess.CompletedProcess[str]]


def push(image: Image, ref: str, **options: object) -> registry.PushResult:
    options.setdefault("known", registry.KnownBlobs())
    return registry.push(image, ref, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["basic_registry", "token_registry"])
def test_push_with_credentials(
    make_image: MakeImage,
    kind: str,
    request: pytest.FixtureRequest,
    run_tool: RunTool,
) -> None:
    target: AuthRegistry = request.getfixturevalue(kind)
    image = make_image()
    ref = f"{target.server.host}/team/app:1"

    result = push(image, ref, auth=target.pusher)

    assert result.digest == image.digest
    login = f"{target.pusher.username}:{target.pusher.password}"
    shown = run_tool(
        "skopeo", "inspect", "--tls-verify=false", "--creds", login, f"docker://{ref}"
    )
    assert json.loads(shown.stdout)["Digest"] == image.digest


def test_token_request_names_service_and_one_scope_per_parameter(
    make_image: MakeImage, token_registry: AuthRegistry
) -> None:
    assert token_registry.tokens is not None
    host = token_registry.server.host
    memory = registry.KnownBlobs()
    image = make_image()
    push(image, f"{host}/team/base:1", auth=token_registry.pusher, known=memory)

    push(image, f"{host}/team/app:1", auth=token_registry.pusher, known=memory)

    queries = [query for query, had_basic in token_registry.tokens.requests]
    assert all(had for _, had in token_registry.tokens.requests)
    assert queries[0] == [
        ("service", "zigttp-test-registry"),
        ("scope", "repository:team/base:pull,push"),
    ]
    mount_query = [q for q in queries if len(q) == 3]
    assert mount_query[0] == [
        ("service", "zigttp-test-registry"),
        ("scope", "repository:team/app:pull,push"),
        ("scope", "repository:team/base:pull"),
    ]


def test_tokens_are_reused_until_they_expire(
    make_image: MakeImage, token_registry: AuthRegistry
) -> None:
    assert token_registry.tokens is not None
    image = make_image()

    push(image, f"{token_registry.server.host}/team/app:1", auth=token_registry.pusher)

    assert len(token_registry.tokens.requests) == 1


def test_expired_tokens_are_fetched_again(token_registry: AuthRegistry) -> None:
    assert token_registry.tokens is not None
    token_registry.tokens.expires_in = 1
    reference = Reference.parse(f"{token_registry.server.host}/team/app:1")
    scopes = ["repository:team/app:pull"]

    with Session(reference, token_registry.pusher) as session:
        session.ping()
        first = session.auth.header(scopes)
        assert session.auth.header(scopes) == first
        time.sleep(1.0)
        renewed = session.auth.header(scopes)

    assert renewed != first
    assert len(token_registry.tokens.requests) == 2


def test_token_in_access_token_field_is_used(
    make_image: MakeImage, token_registry: AuthRegistry
) -> None:
    assert token_registry.tokens is not None
    token_registry.tokens.field = "access_token"

    result = push(
        make_image(), f"{token_registry.server.host}/a:1", auth=token_registry.pusher
    )

    assert [blob.outcome for blob in result.blobs] == ["uploaded", "uploaded"]


@pytest.mark.parametrize(
    ("kind", "credentials", "expected"),
    [
        ("basic_registry", Credentials("bob", "wrong"), "check the registry username"),
        ("basic_registry", None, "the registry wants credentials: pass --username"),
        ("token_registry", Credentials("alice", "wrong"), "getting a registry token"),
        ("token_registry", None, "the registry wants credentials"),
        (
            "token_registry",
            Credentials("reader", "reader-secret"),
            # The registry names the actions in any order.
            "lack the rights for repository:team/app:",
        ),
    ],
)
def test_refused_push_says_why_in_one_line(
    make_image: MakeImage,
    request: pytest.FixtureRequest,
    kind: str,
    credentials: Credentials | None,
    expected: str,
) -> None:
    target: AuthRegistry = request.getfixturevalue(kind)

    with pytest.raises(RegistryAuthError) as raised:
        push(make_image(), f"{target.server.host}/team/app:1", auth=credentials)

    message = str(raised.value)
    assert expected in message
    assert "\n" not in message
    assert "secret" not in message and "wrong" not in message


def test_reader_can_read_what_it_cannot_push(
    make_image: MakeImage, token_registry: AuthRegistry
) -> None:
    image = make_image()
    ref = f"{token_registry.server.host}/team/app:1"
    push(image, ref, auth=token_registry.pusher)

    read = registry.read(ref, auth=token_registry.reader)

    assert read.digest == image.digest


def test_credentials_from_the_environment(
    make_image: MakeImage, basic_registry: AuthRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZIGTTP_REGISTRY_USERNAME", "bob")
    monkeypatch.setenv("ZIGTTP_REGISTRY_PASSWORD", "bob-secret")

    result = push(make_image(), f"{basic_registry.server.host}/team/app:1")

    assert result.count("uploaded") == 2


def test_credentials_from_docker_config(
    make_image: MakeImage,
    basic_registry: AuthRegistry,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    host = basic_registry.server.host
    folder = tmp_path / "docker"
    folder.mkdir()
    entry = base64.b64encode(b"bob:bob-secret").decode()
    (folder / "config.json").write_text(
        json.dumps({"auths": {f"http://{host}/v2/": {"auth": entry}}})
    )
    monkeypatch.setenv("DOCKER_CONFIG", str(folder))

    result = push(make_image(), f"{host}/team/app:1")

    assert result.count("uploaded") == 2


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_unreachable_registry_is_a_transport_error(
    make_image: MakeImage, quick_retry: RetryPolicy, sleeps: Sleeps
) -> None:
    ref = f"127.0.0.1:{closed_port()}/team/app:1"

    with pytest.raises(TransportError) as raised:
        push(make_image(), ref, retry=quick_retry)

    assert "checking the registry at http://127.0.0.1:" in str(raised.value)
    assert "cannot reach" in str(raised.value)
    assert str(raised.value).endswith("; gave up after 3 tries")
    assert "\n" not in str(raised.value)
    assert len(sleeps.waits) == quick_retry.tries - 1


@pytest.mark.parametrize("given", [True, False])
def test_a_refusal_says_where_the_wrong_credentials_came_from(
    make_image: MakeImage,
    basic_registry: AuthRegistry,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    given: bool,
) -> None:
    host = basic_registry.server.host
    entry = base64.b64encode(b"bob:wrong-password").decode()
    (tmp_path / "config.json").write_text(
        json.dumps({"auths": {host: {"auth": entry}}})
    )
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    credentials = Credentials("bob", "wrong", "the deploy session") if given else None
    source = (
        "the deploy session"
        if given
        else f"{tmp_path / 'config.json'} (entry '{host}')"
    )

    with pytest.raises(RegistryAuthError) as raised:
        push(make_image(), f"{host}/team/app:1", auth=credentials)

    assert str(raised.value).endswith(
        f"check the registry username and password (they came from {source})"
    )


def test_anonymous_refusal_names_the_credential_helper_it_skipped(
    make_image: MakeImage,
    basic_registry: AuthRegistry,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    host = basic_registry.server.host
    (tmp_path / "config.json").write_text(
        json.dumps({"credsStore": "desktop", "auths": {host: {}}})
    )
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))

    with pytest.raises(RegistryAuthError) as raised:
        push(make_image(), f"{host}/team/app:1")

    message = str(raised.value)
    assert "pass --username with --password-stdin" in message
    assert f"leaves the credentials for {host} to the helper" in message
    assert "docker-credential-desktop, which zigttp does not run" in message
    assert "\n" not in message
