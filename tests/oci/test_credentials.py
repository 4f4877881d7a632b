"""Where registry credentials come from: flags, environment, docker config."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from zigttp.errors import UsageError
from zigttp.oci import credentials
from zigttp.oci.credentials import Credentials

HOST = "localhost:5000"


def docker_config(folder: Path, auths: dict[str, object]) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps({"auths": auths}))
    return {"DOCKER_CONFIG": str(folder)}


def encoded(pair: str) -> str:
    return base64.b64encode(pair.encode()).decode()


def test_environment_wins(tmp_path: Path) -> None:
    environ = {
        **docker_config(tmp_path, {HOST: {"auth": encoded("docker:pw")}}),
        "ZIGTTP_REGISTRY_USERNAME": "env",
        "ZIGTTP_REGISTRY_PASSWORD": "env-pw",
    }

    found = credentials.find(HOST, environ)

    assert found == Credentials(
        "env", "env-pw", "ZIGTTP_REGISTRY_USERNAME and ZIGTTP_REGISTRY_PASSWORD"
    )


def test_half_an_environment_pair_is_an_error() -> None:
    with pytest.raises(UsageError, match="set both ZIGTTP_REGISTRY_USERNAME"):
        credentials.find(HOST, {"ZIGTTP_REGISTRY_USERNAME": "someone"})


@pytest.mark.parametrize(
    "key", [HOST, f"http://{HOST}", f"https://{HOST}/v2/", "LOCALHOST:5000"]
)
def test_docker_config_auth_field(tmp_path: Path, key: str) -> None:
    environ = docker_config(tmp_path, {key: {"auth": encoded("bob:pa:ss")}})

    found = credentials.find(HOST, environ)

    assert found is not None
    assert (found.username, found.password) == ("bob", "pa:ss")


def test_docker_config_username_and_password_fields(tmp_path: Path) -> None:
    environ = docker_config(tmp_path, {HOST: {"username": "u", "password": "p"}})

    assert credentials.find(HOST, environ) == Credentials(
        "u", "p", f"{tmp_path}/config.json (entry '{HOST}')"
    )


@pytest.mark.parametrize(
    "auths",
    [
        {"other:5000": {"auth": encoded("u:p")}},
        {HOST: {"identitytoken": "opaque"}},
        {HOST: {}},
    ],
)
def test_docker_config_without_a_usable_entry(
    tmp_path: Path, auths: dict[str, object]
) -> None:
    assert credentials.find(HOST, docker_config(tmp_path, auths)) is None


def test_home_docker_config_is_the_default(tmp_path: Path) -> None:
    docker_config(tmp_path / ".docker", {HOST: {"auth": encoded("h:pw")}})

    found = credentials.find(HOST, {"HOME": str(tmp_path)})

    assert found is not None and found.username == "h"


def test_missing_config_means_anonymous(tmp_path: Path) -> None:
    assert credentials.find(HOST, {"DOCKER_CONFIG": str(tmp_path / "none")}) is None


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "fix or move the file"),
        (json.dumps({"auths": {HOST: {"auth": "%%%"}}}), "not base64"),
    ],
)
def test_broken_config_is_reported(tmp_path: Path, content: str, problem: str) -> None:
    (tmp_path / "config.json").write_text(content)

    with pytest.raises(UsageError, match=problem):
        credentials.find(HOST, {"DOCKER_CONFIG": str(tmp_path)})


def test_password_from_stdin_drops_the_newline() -> None:
    given = Credentials.from_stream("bob", "s3cret\n")

    assert (given.username, given.password) == ("bob", "s3cret")
    assert "s3cret" not in repr(given)


@pytest.mark.parametrize(
    ("username", "text"), [("", "pw\n"), ("bob", ""), ("bob", "\n")]
)
def test_password_from_stdin_needs_both(username: str, text: str) -> None:
    with pytest.raises(UsageError, match="need both --username"):
        Credentials.from_stream(username, text)


@pytest.mark.parametrize(
    ("config", "said"),
    [
        (
            {"credsStore": "desktop", "auths": {HOST: {}}},
            "leaves the credentials for localhost:5000 to the helper "
            "docker-credential-desktop, which zigttp does not run",
        ),
        (
            {"credsStore": "desktop", "credHelpers": {f"https://{HOST}": "pass"}},
            "to the helper docker-credential-pass",
        ),
        (
            {"auths": {HOST: {"identitytoken": "opaque"}}},
            "holds an identity token for localhost:5000, which zigttp does not use",
        ),
        ({"credHelpers": {"other:5000": "pass"}}, ""),
        ({"auths": {HOST: {"auth": encoded("u:p")}}}, ""),
        ({}, ""),
    ],
)
def test_unused_names_what_zigttp_cannot_read(
    tmp_path: Path, config: dict[str, object], said: str
) -> None:
    (tmp_path / "config.json").write_text(json.dumps(config))

    found = credentials.unused(HOST, {"DOCKER_CONFIG": str(tmp_path)})

    assert said in found
    assert bool(found) == bool(said)
    if said:
        assert str(tmp_path / "config.json") in found
