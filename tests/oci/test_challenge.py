"""WWW-Authenticate parsing (R7): quoted strings, several challenges, any case."""

from __future__ import annotations

import pytest

from zigttp.oci import challenge
from zigttp.oci.challenge import Challenge


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            'Bearer realm="https://auth.test/token",service="reg",'
            'scope="repository:team/app:pull,push"',
            [
                Challenge(
                    "bearer",
                    {
                        "realm": "https://auth.test/token",
                        "service": "reg",
                        "scope": "repository:team/app:pull,push",
                    },
                )
            ],
        ),
        (
            'Basic realm="x, y", Bearer realm="r",service="s"',
            [
                Challenge("basic", {"realm": "x, y"}),
                Challenge("bearer", {"realm": "r", "service": "s"}),
            ],
        ),
        (
            "bearer REALM=r , Service = s",
            [Challenge("bearer", {"realm": "r", "service": "s"})],
        ),
        (
            'Bearer realm="say \\"hi\\", then \\\\ go"',
            [Challenge("bearer", {"realm": 'say "hi", then \\ go'})],
        ),
        (
            "Basic YWxhZGRpbjpvcGVuc2VzYW1l==, Bearer realm=r",
            [
                Challenge("basic", {"token68": "YWxhZGRpbjpvcGVuc2VzYW1l=="}),
                Challenge("bearer", {"realm": "r"}),
            ],
        ),
        ("Basic", [Challenge("basic", {})]),
        ("", []),
        (", ,", []),
        ('"unterminated', []),
    ],
)
def test_parse(header: str, expected: list[Challenge]) -> None:
    assert challenge.parse(header) == expected


def test_two_scopes_in_one_parameter() -> None:
    [parsed] = challenge.parse(
        'Bearer realm="r",scope="repository:a:pull,push repository:b:pull"'
    )

    assert parsed.scopes == ["repository:a:pull,push", "repository:b:pull"]


@pytest.mark.parametrize(
    ("header", "scheme"),
    [
        ('Basic realm="x", Bearer realm="y"', "bearer"),
        ('Bearer realm="y", Basic realm="x"', "bearer"),
        ('Basic realm="x"', "basic"),
        ('Negotiate abc, Basic realm="x"', "basic"),
        ("Negotiate abc", None),
    ],
)
def test_bearer_is_preferred(header: str, scheme: str | None) -> None:
    chosen = challenge.preferred(challenge.parse(header))

    assert (chosen.scheme if chosen else None) == scheme
