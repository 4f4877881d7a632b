"""Registry token auth with the real docker-registry: scoped, short-lived pushes."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from zigttp import canonical
from zigttp.controlplane.registry_auth import libtrust_key_id

from .stack import (
    Running,
    contract,
    free_port,
    open_session,
    push,
    standin_layout,
    start_control_plane,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def short_lived(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """A control plane whose session credentials last three seconds."""
    folder = tmp_path_factory.mktemp("short")
    running = start_control_plane(
        folder / "data", free_port(), free_port(), ZIGTTP_CP_CREDENTIAL_SECONDS="3"
    )
    yield running
    assert running.stop() == 0, "".join(running.stderr)


def claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    return dict(
        json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    )


def test_session_credentials_push_to_their_namespace(
    plane: Running, standin_binary: bytes, tmp_path: Path
) -> None:
    body = contract()
    with plane.client() as client:
        session = open_session(client, "pushed", body).json()
    digest = standin_layout(
        standin_binary, tmp_path / "image", canonical.sha256_hex(body)
    )

    pushed = push(tmp_path / "image", session, digest)

    assert pushed.returncode == 0, pushed.stderr
    manifest = httpx.head(
        f"http://{session['registryHost']}/v2/dev/pushed/manifests/{digest}"
    )
    assert manifest.status_code == 401  # anonymous reads are refused too


@pytest.mark.parametrize("repository", ["other/pushed", "intruder/pushed", "devx/a"])
def test_session_credentials_cannot_push_elsewhere(
    plane: Running, standin_binary: bytes, tmp_path: Path, repository: str
) -> None:
    body = contract()
    with plane.client() as client:
        session = open_session(client, "confined", body).json()
    digest = standin_layout(
        standin_binary, tmp_path / "image", canonical.sha256_hex(body)
    )

    pushed = push(tmp_path / "image", session, digest, repository)

    assert pushed.returncode != 0
    assert "denied" in pushed.stderr.lower() or "unauthorized" in pushed.stderr.lower()


def test_token_endpoint_grants_only_the_namespace(plane: Running) -> None:
    with plane.client() as client:
        session = open_session(client, "scoped", contract()).json()

    answer = httpx.get(
        f"{plane.url}/v1/registry/token",
        params=[
            ("service", "zigttp-registry"),
            ("scope", "repository:dev/scoped:push,pull"),
            ("scope", "repository:someone/else:push,pull"),
            ("scope", "repository:dev/scoped:delete"),
        ],
        auth=(session["registryUsername"], session["registryPassword"]),
    )

    granted = claims(answer.json()["token"])
    assert answer.status_code == 200
    assert granted["aud"] == "zigttp-registry"
    assert granted["access"] == [
        {"type": "repository", "name": "dev/scoped", "actions": ["push", "pull"]},
        {"type": "repository", "name": "someone/else", "actions": []},
        {"type": "repository", "name": "dev/scoped", "actions": []},
    ]


@pytest.mark.parametrize("auth", [None, ("s-nobody", "wrong"), ("dev", "")])
def test_token_endpoint_refuses_bad_credentials(
    plane: Running, auth: tuple[str, str] | None
) -> None:
    answer = httpx.get(
        f"{plane.url}/v1/registry/token",
        params={"scope": "repository:dev/x:pull"},
        auth=auth,
    )

    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized"


def test_expired_credentials_are_refused(
    short_lived: Running, standin_binary: bytes, tmp_path: Path
) -> None:
    body = contract()
    with short_lived.client() as client:
        session = open_session(client, "expiring", body).json()
    digest = standin_layout(
        standin_binary, tmp_path / "image", canonical.sha256_hex(body)
    )

    time.sleep(4)
    pushed = push(tmp_path / "image", session, digest)
    token = httpx.get(
        f"{short_lived.url}/v1/registry/token",
        params={"scope": "repository:dev/expiring:push,pull"},
        auth=(session["registryUsername"], session["registryPassword"]),
    )

    assert pushed.returncode != 0
    assert token.status_code == 401
    assert "expired" in token.json()["message"]


def test_registry_tokens_never_outlive_their_credentials(short_lived: Running) -> None:
    with short_lived.client() as client:
        session = open_session(client, "lifetime", contract()).json()

    answer = httpx.get(
        f"{short_lived.url}/v1/registry/token",
        params={"scope": "repository:dev/lifetime:pull"},
        auth=(session["registryUsername"], session["registryPassword"]),
    ).json()

    granted = claims(answer["token"])
    assert answer["expires_in"] <= 3
    assert int(str(granted["exp"])) - int(str(granted["iat"])) <= 3


def test_libtrust_key_id_is_twelve_groups_of_four() -> None:
    key_id = libtrust_key_id(ec.generate_private_key(ec.SECP256R1()).public_key())

    groups = key_id.split(":")
    assert len(groups) == 12
    assert all(
        len(group) == 4 and group.isalnum() and group.isupper() for group in groups
    )
