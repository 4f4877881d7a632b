"""Reading image references: registry host required, tag or digest."""

from __future__ import annotations

import pytest

from zigttp.errors import UsageError
from zigttp.oci.reference import Reference

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("text", "registry", "repository", "tag", "digest"),
    [
        ("localhost:5000/team/hello:1", "localhost:5000", "team/hello", "1", None),
        ("localhost:5000/team/hello", "localhost:5000", "team/hello", "latest", None),
        (f"127.0.0.1:5000/a@{DIGEST}", "127.0.0.1:5000", "a", None, DIGEST),
        (f"localhost/a:v2@{DIGEST}", "localhost", "a", "v2", DIGEST),
        (
            "reg.example.com/x/y/z:1.0-rc_1",
            "reg.example.com",
            "x/y/z",
            "1.0-rc_1",
            None,
        ),
        ("[::1]:5000/app", "[::1]:5000", "app", "latest", None),
        (
            "localhost:5000/my-app__v2.x",
            "localhost:5000",
            "my-app__v2.x",
            "latest",
            None,
        ),
    ],
)
def test_parse(
    text: str, registry: str, repository: str, tag: str | None, digest: str | None
) -> None:
    reference = Reference.parse(text)

    assert (reference.registry, reference.repository) == (registry, repository)
    assert (reference.tag, reference.digest) == (tag, digest)
    assert str(Reference.parse(str(reference))) == str(reference)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("hello:1", "names no registry host"),
        ("team/hello:1", "'team' is not a registry host"),
        ("localhost:5000/Team/hello", "must be lowercase"),
        ("localhost:5000/team/hello:bad tag", "tag 'bad tag' is not valid"),
        ("localhost:5000/a@sha256:abc", "digest is not sha256"),
        ("localhost:5000/a@md5:abc", "only sha256"),
        ("localhost:5000/", "must be lowercase"),
    ],
)
def test_parse_rejects_with_an_example(text: str, problem: str) -> None:
    with pytest.raises(UsageError, match=problem) as raised:
        Reference.parse(text)

    assert "e.g. localhost:5000/team/hello:1" in str(raised.value)


@pytest.mark.parametrize(
    ("text", "loopback"),
    [
        ("localhost:5000/a", True),
        ("127.0.0.1:5000/a", True),
        ("127.8.9.10/a:1", True),
        ("[::1]:5000/a", True),
        ("registry.internal:5000/a", False),
        ("10.0.0.1:5000/a", False),
        ("localhost.example.com/a", False),
    ],
)
def test_loopback_registries_are_recognised(text: str, loopback: bool) -> None:
    assert Reference.parse(text).is_loopback is loopback


def test_identifier_prefers_the_digest() -> None:
    assert Reference.parse(f"localhost/a:1@{DIGEST}").identifier == DIGEST
    assert Reference.parse("localhost/a:1").identifier == "1"
