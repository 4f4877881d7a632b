"""Egress hosts from URLs and URL prefixes: lowercased, default ports dropped."""

from __future__ import annotations

import pytest

from zigttp.contract.hosts import host_of, host_of_prefix
from zigttp.contract.model import Route
from zigttp.contract.routes import route_from_key


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://api.example.com/v1", "api.example.com"),
        ("HTTPS://API.Example.COM", "api.example.com"),
        ("https://api.example.com:443/x", "api.example.com"),
        ("http://api.example.com:80/x", "api.example.com"),
        ("http://api.example.com:443/x", "api.example.com:443"),
        ("https://api.example.com:8443", "api.example.com:8443"),
        ("http://localhost:8080/health", "localhost:8080"),
        ("https://user:secret@api.example.com/", "api.example.com"),
        ("http://[::1]:9000/", "[::1]:9000"),
        ("http://127.0.0.1/", "127.0.0.1"),
        ("https://api.example.com?q=1", "api.example.com"),
        ("/relative/path", None),
        ("api.example.com/no-scheme", None),
        ("ftp://files.example.com/", None),
        ("https://", None),
        ("https://api.example.com:99999/", None),
        ("https://bad host.com/", None),
        ("https://evil.example.com\\@good.example.com/", None),
        ("http://[fe80::1%25eth0]/", None),
    ],
)
def test_host_of_url(url: str, host: str | None) -> None:
    assert host_of(url) == host


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://2130706433:18001/", "127.0.0.1:18001"),
        ("http://0x7f.1:18001/", "127.0.0.1:18001"),
        ("http://0177.0.0.1:18001/", "127.0.0.1:18001"),
        ("http://127.1/", "127.0.0.1"),
        ("http://2852039166/latest", "169.254.169.254"),
        ("http://0xA9.0xFE.0xA9.0xFE/", "169.254.169.254"),
        ("http://169.254.43518/", "169.254.169.254"),
        ("http://0x/", "0.0.0.0"),
        ("http://1.2.3.4./", "1.2.3.4"),
        ("http://010.0.0.1/", "8.0.0.1"),
        ("http://[0:0:0:0:0:0:0:1]:8080/", "[::1]:8080"),
        ("http://[::FFFF:127.0.0.1]/", "[::ffff:7f00:1]"),
        ("http://0x7f.example.com/", "0x7f.example.com"),
        ("http://1.2.3.4.5/", None),
        ("http://08.0.0.1/", None),
        ("http://4294967296/", None),
        ("http://256.0.0.1/", None),
        ("http://1.16777216/", None),
        ("http://a.0x7f/", None),
        ("http://1..2/", None),
    ],
)
def test_numeric_hosts_are_recorded_in_standard_form(
    url: str, host: str | None
) -> None:
    assert host_of(url) == host


@pytest.mark.parametrize(
    ("prefix", "host"),
    [
        ("https://api.example.com/users/", "api.example.com"),
        ("https://api.example.com?id=", "api.example.com"),
        ("https://api.example.com#", "api.example.com"),
        ("https://API.example.com:443/", "api.example.com"),
        ("https://api.example.com", None),
        ("https://api.example.com:", None),
        ("https://", None),
        ("https://evil.example.com\\@good.example.com/", "evil.example.com"),
        ("", None),
    ],
)
def test_host_of_url_prefix(prefix: str, host: str | None) -> None:
    assert host_of_prefix(prefix) == host


@pytest.mark.parametrize(
    ("key", "route"),
    [
        ("GET /users/:id", Route("GET", "/users/:id")),
        ("post /echo", Route("POST", "/echo")),
        ("GET /static/*", Route("GET", "/static/", prefix=True)),
        ("GET /a/*/b", Route("GET", "/a/", prefix=True)),
        ("GET /", Route("GET", "/")),
        ("/no-method", None),
        ("", None),
    ],
)
def test_router_table_keys(key: str, route: Route | None) -> None:
    assert route_from_key(key) == route
