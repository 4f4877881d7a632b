"""zigttp:url: urlParse, urlSearchParams, urlEncode and urlDecode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from . import calls
from .conftest import Launch
from .handlers import Server


@pytest.fixture(scope="module")
def url(launch: Launch) -> Iterator[Server]:
    yield launch(calls.caller("url"))


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        (
            "https://user:pw@example.com:8080/a/b?x=1&y=two#frag",
            {
                "protocol": "https",
                "host": "example.com",
                "port": "8080",
                "path": "/a/b",
                "query": "x=1&y=two",
                "hash": "frag",
                "searchParams": {"x": "1", "y": "two"},
            },
        ),
        (
            "http://[::1]:3000",
            {
                "protocol": "http",
                "host": "[::1]",
                "port": "3000",
                "path": "/",
                "searchParams": {},
            },
        ),
        (
            "/users/123?page=2&q=a+b",
            {
                "path": "/users/123",
                "query": "page=2&q=a+b",
                "searchParams": {"page": "2", "q": "a b"},
            },
        ),
    ],
    ids=["full", "ipv6", "path-only"],
)
def test_url_parse_splits_the_parts(url: Server, text: str, parsed: dict) -> None:
    assert calls.call(url, "urlParse", text) == parsed


@pytest.mark.parametrize(
    ("query", "params"),
    [
        ("?a=1&b=%C3%A9t%C3%A9&c", {"a": "1", "b": "été", "c": ""}),
        ("a=1&a=2", {"a": "2"}),
        ("q=a+b%2Bc&&=x", {"q": "a b+c"}),
        ("", {}),
    ],
    ids=["decoded", "last-wins", "plus-and-empty", "empty"],
)
def test_search_params_are_decoded(url: Server, query: str, params: dict) -> None:
    assert calls.call(url, "urlSearchParams", query) == params


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("a b&c/d?e=f", "a%20b%26c%2Fd%3Fe%3Df"),
        ("é✓", "%C3%A9%E2%9C%93"),
        ("-._~AZaz09", "-._~AZaz09"),
        ("!'()*", "%21%27%28%29%2A"),
    ],
    ids=["reserved", "utf8", "unreserved", "sub-delims"],
)
def test_url_encode_leaves_only_unreserved_characters(
    url: Server, text: str, encoded: str
) -> None:
    assert calls.call(url, "urlEncode", text) == encoded
    assert calls.call(url, "urlDecode", encoded) == text


@pytest.mark.parametrize(
    ("encoded", "text"),
    [("a+b", "a b"), ("100%", "100%"), ("%zz%41", "%zzA"), ("%E2%9C", "%E2%9C")],
    ids=["plus", "lone-percent", "bad-escape", "cut-utf8"],
)
def test_url_decode_keeps_escapes_it_cannot_read(
    url: Server, encoded: str, text: str
) -> None:
    assert calls.call(url, "urlDecode", encoded) == text
