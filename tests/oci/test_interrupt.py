"""Stopping: requests in flight are cut, queued work never starts, nothing waits."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from zigttp.errors import RegistryError, TransportError
from zigttp.oci import registry
from zigttp.oci.image import Image
from zigttp.oci.reference import Reference
from zigttp.oci.retry import RetryPolicy
from zigttp.oci.transport import Session
from zigttp.oci.workers import run_each

from .fake_registry import FakeRegistry, Reply, Request

MakeImage = Callable[..., Image]
# How long a stalled answer would take: far beyond what any assertion allows.
STALL_SECONDS = 20.0


@pytest.fixture
def released() -> Iterator[threading.Event]:
    """Set at the end of the test, so stalled server threads finish."""
    event = threading.Event()
    yield event
    event.set()


def stall_pings(
    released: threading.Event, seen: threading.Event, count: list[Request]
) -> Callable[[Request], Reply | None]:
    def intercept(request: Request) -> Reply | None:
        if request.path == "/v2/":
            count.append(request)
            seen.set()
            released.wait(STALL_SECONDS)
        return None

    return intercept


def test_abort_cuts_a_request_in_flight_on_another_thread(
    fake_registry: FakeRegistry, released: threading.Event, quick_retry: RetryPolicy
) -> None:
    seen = threading.Event()
    pings: list[Request] = []
    fake_registry.intercept = stall_pings(released, seen, pings)
    session = Session(
        Reference.parse(f"{fake_registry.host}/team/app"), retry=quick_retry
    )
    failures: list[BaseException] = []

    def ping() -> None:
        try:
            session.ping()
        except BaseException as error:
            failures.append(error)

    worker = threading.Thread(target=ping)
    worker.start()
    assert seen.wait(5)
    started = time.monotonic()
    session.abort()
    worker.join(5)

    assert not worker.is_alive()
    assert time.monotonic() - started < 1.0
    [failure] = failures
    assert isinstance(failure, TransportError)
    assert "stopped" in str(failure)
    assert len(pings) == 1  # no retry after the cut
    session.client.close()


def test_a_failed_blob_cuts_the_upload_still_running(
    make_image: MakeImage, fake_registry: FakeRegistry, released: threading.Event
) -> None:
    image = make_image()
    stalled, refused = sorted(image.blobs)
    seen = threading.Event()

    def intercept(request: Request) -> Reply | None:
        digest = request.query.get("digest", [""])[0]
        if request.method == "PUT" and digest == stalled:
            seen.set()
            released.wait(STALL_SECONDS)
        if request.method == "PUT" and digest == refused:
            seen.wait(5)
            return Reply(400, {}, b'{"errors":[{"code":"DENIED","message":"no"}]}')
        return None

    fake_registry.intercept = intercept
    started = time.monotonic()

    with pytest.raises(RegistryError, match="registry answered 400: DENIED"):
        registry.push(
            image,
            f"{fake_registry.host}/team/app:1",
            concurrency=2,
            known=registry.KnownBlobs(),
        )

    assert time.monotonic() - started < 3.0
    assert not fake_registry.seen("PUT", "/manifests/")


def test_run_each_returns_results_in_order_within_the_concurrency() -> None:
    running = 0
    most = 0
    lock = threading.Lock()

    def work(number: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.01)
        with lock:
            running -= 1
        return number * 10

    assert run_each(list(range(8)), work, concurrency=3) == [
        0,
        10,
        20,
        30,
        40,
        50,
        60,
        70,
    ]
    assert 1 < most <= 3
    assert run_each([], work, concurrency=3) == []


def test_run_each_raises_the_first_failure_and_starts_no_more() -> None:
    started: list[int] = []

    def work(number: int) -> int:
        started.append(number)
        if number == 1:
            raise ValueError("number one fails")
        return number

    with pytest.raises(ValueError, match="number one fails"):
        run_each(list(range(50)), work, concurrency=1)

    assert started == [0, 1]


def test_run_each_threads_never_hold_up_an_exit() -> None:
    threads: list[threading.Thread] = []

    def work(number: int) -> int:
        threads.append(threading.current_thread())
        return number

    run_each([1, 2], work, concurrency=2)

    assert threads and all(thread.daemon for thread in threads)
