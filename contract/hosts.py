"""Egress hosts from URLs: lowercased, with the port only when it is not the default.

A host is recorded the way a reviewer reads it. A numeric IPv4 host in any
form a resolver accepts (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`) is
recorded in its standard dotted form (`127.0.0.1`), and an IPv6 address in
its compressed form (`[::1]`), so `169.254.169.254` can never hide behind
`2852039166`. A host whose last label is numeric but is not a valid address
(`1.2.3.4.5`, `08.0.0.1`, `4294967296`) is not a host at all: such a URL
proves nothing and the fetch stays dynamic. The rules follow the WHATWG URL
standard's IPv4 parser, which accepts what musl's inet_aton accepts.

URLs the runtime refuses to fetch (a backslash in the host part, characters a
host name cannot have) prove no host either.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}

_HOST_NAME = re.compile(
    r"[a-z0-9]([a-z0-9_-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9_-]*[a-z0-9])?)*\.?"
)
_AUTHORITY_END = re.compile(r"[/?#\\]")
_NUMERIC_LABEL = re.compile(r"[0-9]+|0[xX][0-9a-fA-F]*")
_IPV4_PARTS = 4


def host_of(url: str) -> str | None:
    """`host[:port]` of an absolute http(s) URL, or None when it is not one."""
    if _has_backslash_in_authority(url):
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None

    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in DEFAULT_PORTS or not host:
        return None

    host = _standard_host(host)
    if host is None:
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


def ipv4_address(host: str) -> str | None:
    """The dotted form of a numeric IPv4 host, or None when it is not numeric.

    Raises ValueError for a host that looks numeric but is no address.
    """
    labels = host.split(".")
    if labels and labels[-1] == "" and len(labels) > 1:
        labels.pop()
    if not labels or not _NUMERIC_LABEL.fullmatch(labels[-1]):
        return None

    if len(labels) > _IPV4_PARTS:
        raise ValueError(f"{host}: more than four parts")
    numbers = [_ipv4_number(label) for label in labels]
    if any(number > 255 for number in numbers[:-1]):
        raise ValueError(f"{host}: a part above 255")
    if numbers[-1] >= 256 ** (_IPV4_PARTS + 1 - len(numbers)):
        raise ValueError(f"{host}: the last part is too large")

    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number << (8 * (_IPV4_PARTS - 1 - index))
    return str(ipaddress.IPv4Address(value))


def _ipv4_number(label: str) -> int:
    """One part: decimal, 0x hexadecimal or 0-led octal (an empty 0x is 0)."""
    if label == "":
        raise ValueError("an empty part")
    if label[:2].lower() == "0x":
        return int(label[2:] or "0", 16)
    if len(label) > 1 and label.startswith("0"):
        return int(label[1:], 8)
    return int(label, 10)


def _standard_host(host: str) -> str | None:
    """The host as recorded: an address in its standard form, a name as it is."""
    if ":" in host:
        if "%" in host:
            return None  # a zone names an interface, not a host
        try:
            return f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            return None

    try:
        address = ipv4_address(host)
    except ValueError:
        return None
    if address is not None:
        return address
    return host if _HOST_NAME.fullmatch(host) else None


def _has_backslash_in_authority(url: str) -> bool:
    """The runtime refuses a backslash before the path: it names no host."""
    _, separator, rest = url.partition("://")
    if not separator:
        return False
    end = re.search(r"[/?#]", rest)
    authority = rest if end is None else rest[: end.start()]
    return "\\" in authority
