"""No test may reach the hosted control plane: the guards themselves, tested."""

from __future__ import annotations

from pathlib import Path

import pytest

from zigttp.deploy import credentials
from zigttp.deploy.client import DEFAULT_URL, control_plane_url
from zigttp.errors import UsageError

from .conftest import NOWHERE, environment


def test_every_deploy_test_runs_against_loopback_and_a_private_home(
    local_only: Path, tmp_path: Path
) -> None:
    assert control_plane_url() == NOWHERE
    assert credentials.path() == tmp_path / "zigttp-home" / "credentials"
    assert credentials.load() is None


@pytest.mark.parametrize(
    "target", ["", DEFAULT_URL, "https://control.example.com", "http://10.0.0.1:8700"]
)
def test_a_run_aimed_anywhere_but_127_0_0_1_fails_the_test(
    build_cache: Path, target: str
) -> None:
    with pytest.raises(AssertionError, match="a test would reach"):
        environment(build_cache, {"ZIGTTP_CONTROL_PLANE_URL": target})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", DEFAULT_URL),
        ("   ", DEFAULT_URL),
        ("http://127.0.0.1:8700/", "http://127.0.0.1:8700"),
        ("http://localhost:8700", "http://localhost:8700"),
        ("https://control.example.com/base/", "https://control.example.com/base"),
    ],
)
def test_the_control_plane_url_defaults_to_the_hosted_one(
    value: str, expected: str
) -> None:
    assert control_plane_url({"ZIGTTP_CONTROL_PLANE_URL": value}) == expected
    assert control_plane_url({}) == "https://api.zigttp.dev"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("http://control.example.com", "would send your access token unencrypted"),
        ("ftp://127.0.0.1", "give an https:// URL"),
        ("control.example.com", "give an https:// URL"),
    ],
)
def test_a_control_plane_url_that_would_leak_the_token_is_refused(
    value: str, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        control_plane_url({"ZIGTTP_CONTROL_PLANE_URL": value})
