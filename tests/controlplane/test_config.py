"""The control plane's settings: defaults that fit the client, knobs that work."""

from __future__ import annotations

from pathlib import Path

import pytest

from zigttp.controlplane import addresses, config
from zigttp.deploy.wait import DEFAULT_READY_SECONDS
from zigttp.errors import UsageError


def test_a_release_gets_longer_to_answer_than_deploy_waits(tmp_path: Path) -> None:
    settings = config.from_environment(tmp_path, environ={})

    assert settings.health_timeout == 180
    assert settings.health_timeout > DEFAULT_READY_SECONDS


def test_the_health_timeout_knob_still_works(tmp_path: Path) -> None:
    knob = {"ZIGTTP_CP_HEALTH_TIMEOUT": "15"}

    assert config.from_environment(tmp_path, environ=knob).health_timeout == 15


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8700"),
        ("::1", "http://[::1]:8700"),
        ("[::1]", "http://[::1]:8700"),
        ("localhost", "http://localhost:8700"),
    ],
)
def test_public_urls_bracket_ipv6(tmp_path: Path, host: str, url: str) -> None:
    assert config.from_environment(tmp_path, host, environ={}).public_url == url


@pytest.mark.parametrize(
    ("value", "allow_remote", "expected"),
    [
        ("127.0.0.1:5000", False, "127.0.0.1:5000"),
        ("[::1]:05000", False, "[::1]:5000"),
        ("localhost:1", False, "localhost:1"),
        ("0.0.0.0:5000", True, "0.0.0.0:5000"),
        ("registry.internal:443", True, "registry.internal:443"),
    ],
)
def test_registry_hosts_come_back_in_url_form(
    value: str, allow_remote: bool, expected: str
) -> None:
    assert addresses.host_port(value, "--registry-host", allow_remote) == expected


@pytest.mark.parametrize(
    "value",
    [
        "127.0.0.1:0",
        "127.0.0.1:65536",
        "127.0.0.1:5000 ",
        "\t127.0.0.1:5000",
        "127.0.0.1:5000\n",
        "registry.internal:443",
        "[0.0.0.0]:5000",
        "a..b:5000",
        ":5000",
    ],
)
def test_bad_registry_hosts_are_refused(value: str) -> None:
    with pytest.raises(UsageError) as refused:
        addresses.host_port(value, "--registry-host", allow_remote=False)

    assert "\n" not in str(refused.value)
    assert str(refused.value).startswith(f"--registry-host {value!r}")
