"""Run the control plane under uvicorn until SIGINT or SIGTERM, then stop cleanly."""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import uvicorn

from zigttp.controlplane.plane import ControlPlane
from zigttp.controlplane.web.app import Application
from zigttp.errors import UsageError

log = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    """uvicorn's server, telling the caller once it accepts connections."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]) -> None:
        super().__init__(config)
        self.on_ready = on_ready

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        if self.started:
            self.on_ready()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Stop on SIGINT/SIGTERM without re-raising them afterwards.

        uvicorn re-raises the signal once it has shut down, and the default
        SIGTERM action would then kill us before the provider's services and the
        registry are stopped.
        """
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        wanted = (signal.SIGINT, signal.SIGTERM)
        previous = {
            number: signal.signal(number, self.handle_exit) for number in wanted
        }
        try:
            yield
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)


def listen(host: str, port: int) -> socket.socket:
    """Bind the control plane's port before anything else is started or created.

    uvicorn exits the process when it cannot bind; binding first lets a taken
    port fail with a clear message while nothing (a first token, a registry) has
    happened yet.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
        listener.listen(2048)
    except OSError as error:
        listener.close()
        reason = (error.strerror or str(error)).lower()
        raise UsageError(
            f"cannot listen on {host}:{port}: {reason}; "
            "stop what uses it or pick another --port"
        ) from error
    return listener


def run(
    plane: ControlPlane,
    listener: socket.socket,
    on_ready: Callable[[], None] = lambda: None,
) -> None:
    """Relaunch stored services, then serve on `listener` until a signal."""
    settings = plane.settings
    config = uvicorn.Config(
        Application(plane),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
        h11_max_incomplete_event_size=64 * 1024,
        server_header=False,
    )
    server = _Server(config, on_ready)
    plane.relaunch()
    server.run(sockets=[listener])
