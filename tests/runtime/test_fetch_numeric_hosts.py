"""Numeric IPv4 hosts are read as browsers read them, before the contract check.

"2130706433", "0x7f.1", "0177.0.0.1" and "127.1" all mean 127.0.0.1: fetch
rewrites them in dotted decimal, so the contract (which lists that form) is
checked against the address actually connected to. A host whose last label
is a number but which is no address is refused outright.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from . import calls
from .calls import Threw
from .conftest import Launch
from .handlers import Server
from .upstream import Upstream

NUMERIC_FORMS = [
    "2130706433",
    "0x7f.1",
    "0X7F.0.0.1",
    "0177.0.0.1",
    "127.1",
    "127.0.1",
    "0x7f000001",
    "127.0.0.1.",
]


@pytest.fixture(scope="module")
def shared_upstream() -> Iterator[Upstream]:
    server = Upstream()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def proven_loopback(launch: Launch, shared_upstream: Upstream) -> Server:
    """Egress proven as 127.0.0.1:PORT, the upstream's address."""
    egress = [f"127.0.0.1:{shared_upstream.port}"]
    return launch(calls.caller("fetch"), args=["-q"], egress=egress)


@pytest.fixture(scope="module")
def proven_elsewhere(launch: Launch, shared_upstream: Upstream) -> Server:
    """Egress proven as localhost:PORT: the same server, under another name."""
    egress = [f"localhost:{shared_upstream.port}"]
    return launch(calls.caller("fetch"), args=["-q"], egress=egress)


@pytest.fixture(scope="module")
def dynamic(launch: Launch) -> Server:
    return launch(calls.caller("fetch"), args=["-q"])


def _fetch(server: Server, upstream: Upstream, host: str) -> tuple[object, int]:
    """What fetch of http://HOST:PORT/echo gave, and how many requests it made."""
    before = len(upstream.requests)
    answer = calls.call(server, "fetch", f"http://{host}:{upstream.port}/echo")
    return answer, len(upstream.requests) - before


@pytest.mark.parametrize("host", NUMERIC_FORMS)
def test_a_numeric_form_of_a_contract_address_reaches_it(
    proven_loopback: Server, shared_upstream: Upstream, host: str
) -> None:
    answer, requests = _fetch(proven_loopback, shared_upstream, host)

    assert isinstance(answer, dict), answer
    assert answer["status"] == 200
    echoed = json.loads(answer["body"])
    assert echoed["headers"]["host"] == f"127.0.0.1:{shared_upstream.port}"
    assert requests == 1


@pytest.mark.parametrize("host", NUMERIC_FORMS)
def test_a_numeric_form_of_an_address_outside_the_contract_is_refused(
    proven_elsewhere: Server, shared_upstream: Upstream, host: str
) -> None:
    thrown, requests = _fetch(proven_elsewhere, shared_upstream, host)

    assert isinstance(thrown, Threw), thrown
    assert thrown.name == "Error"
    assert thrown.message.startswith(
        f"fetch refused: host 127.0.0.1:{shared_upstream.port} is not in the "
        f"handler contract (it allows: localhost:{shared_upstream.port});"
    )
    assert requests == 0


@pytest.mark.parametrize(
    "host",
    [
        "1.2.3.4.5",
        "256.0.0.1",
        "1.2.3.256",
        "1.2.65536",
        "4294967296",
        "0x100000000",
        "08.0.0.1",
        "0x7g.0.0.1",
        "1..2",
        "example.123",
        "localhost.0x10",
    ],
)
def test_a_host_ending_in_a_number_that_is_no_address_is_refused(
    dynamic: Server, shared_upstream: Upstream, host: str
) -> None:
    thrown, requests = _fetch(dynamic, shared_upstream, host)

    assert thrown == Threw(
        "TypeError",
        "fetch(): the URL's host ends in a number but is not an IPv4 address",
    )
    assert requests == 0


@pytest.mark.parametrize("host", ["0x1g", "1.2.3.4a", "127.0.0.x1"])
def test_a_host_whose_last_label_is_not_a_number_stays_a_name(
    proven_loopback: Server, shared_upstream: Upstream, host: str
) -> None:
    thrown, requests = _fetch(proven_loopback, shared_upstream, host)

    assert isinstance(thrown, Threw), thrown
    assert thrown.message.startswith(
        f"fetch refused: host {host}:{shared_upstream.port} is not in the handler "
        "contract"
    )
    assert requests == 0
