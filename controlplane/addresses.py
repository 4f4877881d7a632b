"""The addresses the control plane binds and writes into configs, checked first.

A host is an IP address or a DNS name, nothing else: no whitespace, no line
breaks (a `--registry-host` lands in the registry's YAML config). Only loopback
addresses are accepted unless the operator allows others, because the dev stack
has no TLS and an address such as 0.0.0.0 listens on every interface.
"""

from __future__ import annotations

import ipaddress
import re

from zigttp.errors import UsageError
from zigttp.oci.reference import is_loopback

ALLOW_FLAG = "--allow-remote"
_PLAIN = re.compile(r"[A-Za-z0-9.:-]+")
_NAME = re.compile(
    r"(?=.{1,253}\Z)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)


def listen_host(value: str, option: str, allow_remote: bool) -> str:
    """The host `option` names (IPv6 without brackets), or a one-line UsageError."""
    return _checked_host(value, value, option, allow_remote)


def host_port(value: str, option: str, allow_remote: bool) -> str:
    """HOST:PORT as it goes into URLs (IPv6 in brackets), or a UsageError."""
    host, colon, port = value.rpartition(":")
    digits = port.isascii() and port.isdigit()
    if not colon or not digits or not 0 < int(port) < 65536:
        raise UsageError(
            f"{option} {value!r} is not HOST:PORT: give one such as 127.0.0.1:5000 "
            "or [::1]:5000"
        )
    if ":" in host and not host.startswith("["):
        raise UsageError(
            f"{option} {value!r}: put an IPv6 address in brackets, as in [::1]:5000"
        )
    bare = _checked_host(host, value, option, allow_remote)
    return f"{url_host(bare)}:{int(port)}"


def url_host(host: str) -> str:
    """`host` as written in a URL: an IPv6 address goes in brackets."""
    return f"[{host}]" if ":" in host else host


def _checked_host(text: str, value: str, option: str, allow_remote: bool) -> str:
    """`text` (from `value`, the whole option) as a bare host, checked."""
    bracketed = text.startswith("[") and text.endswith("]")
    host = text[1:-1] if bracketed else text
    if bracketed and ":" not in host:
        host = ""
    plain = _PLAIN.fullmatch(host) is not None
    if not plain or not (_is_ip(host) or _NAME.fullmatch(host)):
        raise UsageError(
            f"{option} {value!r} is not an IP address or host name: give one such "
            "as 127.0.0.1, ::1 or localhost"
        )
    if allow_remote or is_loopback(host):
        return host
    raise UsageError(
        f"{option} {value!r} is not a loopback address, so other machines could "
        f"reach it without TLS: use 127.0.0.1 or ::1, or pass {ALLOW_FLAG} if "
        "that is what you want"
    )


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
