"""The same work on several items at once, on threads that never hold up an exit.

A ThreadPoolExecutor joins its threads when the interpreter exits, so a Ctrl-C
during a push waited for each upload in flight to end (up to the read timeout)
and a second Ctrl-C printed a traceback from that join. These threads are
daemons: the waiting thread returns as soon as it is interrupted, and whoever
owns the connections cuts the requests in flight (`Session.abort`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def run_each(
    items: Sequence[Item],
    work: Callable[[Item], Result],
    concurrency: int,
    name: str = "zigttp-worker",
) -> list[Result]:
    """`work(item)` for every item, at most `concurrency` at once; results in order.

    The first failure is raised here at once and starts no more work; work
    still running ends on its own, or when the caller cuts its connections. An
    interruption of this thread (KeyboardInterrupt) is raised at once too.
    """
    if not items:
        return []

    pending = list(enumerate(items))
    results: dict[int, Result] = {}
    failures: list[BaseException] = []
    lock = threading.Lock()
    finished = threading.Event()
    running = min(max(1, concurrency), len(items))

    def worker() -> None:
        nonlocal running
        while True:
            with lock:
                if failures or not pending:
                    break
                index, item = pending.pop(0)
            try:
                result = work(item)
            except BaseException as error:
                with lock:
                    failures.append(error)
                finished.set()
                break
            with lock:
                results[index] = result

        with lock:
            running -= 1
            if running == 0:
                finished.set()

    for number in range(running):
        thread = threading.Thread(target=worker, name=f"{name}-{number}", daemon=True)
        thread.start()
    finished.wait()

    with lock:
        if failures:
            raise failures[0]
    return [results[index] for index in range(len(items))]
