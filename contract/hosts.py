"""Egress hosts from URLs: lowercased, with the port only when it is not the default."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}

_HOST_NAME = re.compile(
    r"[a-z0-9]([a-z0-9_-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9_-]*[a-z0-9])?)*\.?"
)
_AUTHORITY_END = re.compile(r"[/?#\\]")


def host_of(url: str) -> str | None:
    """`host[:port]` of an absolute http(s) URL, or None when it is not one."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None

    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in DEFAULT_PORTS or not host:
        return None

    if ":" in host:
        host = f"[{host}]"
    elif not _HOST_NAME.fullmatch(host):
        return None

    if port is not None and port != DEFAULT_PORTS[scheme]:
        return f"{host}:{port}"
    return host


def host_of_prefix(prefix: str) -> str | None:
    """The host fixed by the start of a URL, when the authority ends inside it.

    `https://api.example.com/users/` fixes the host whatever follows;
    `https://api.example.com` does not (a port or more name could follow).
    """
    scheme, separator, rest = prefix.partition("://")
    if not separator or scheme.lower() not in DEFAULT_PORTS:
        return None

    end = _AUTHORITY_END.search(rest)
    if end is None:
        return None
    return host_of(f"{scheme}://{rest[: end.start()]}/")
