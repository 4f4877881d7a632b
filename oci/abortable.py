"""An httpx transport whose connections another thread can cut at once.

Closing an httpx client does not wake a thread that waits for an answer: on
Linux a closed socket leaves the pending read in place until the peer answers
or the read timeout passes (60 s by default). A push stopped by Ctrl-C must end
now, so this transport remembers every socket it opens, and `abort()` shuts
them down, which wakes every reader with a ReadError and refuses new ones.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import ssl
import threading
import typing
import weakref

import httpcore
import httpx

log = logging.getLogger(__name__)

# The pool httpx builds by default, written out, since ours needs another backend.
_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)
_KEEPALIVE_SECONDS = 5.0


class AbortableTransport(httpx.HTTPTransport):
    """httpx's own HTTP/1.1 transport, on sockets that `abort()` can cut."""

    def __init__(self, context: ssl.SSLContext) -> None:
        super().__init__(verify=context)
        self._sockets = _Sockets()
        # httpx offers no way to hand its pool a network backend, so the pool it
        # built is replaced by the same one on ours (tests/oci/test_interrupt.py
        # fails if a new httpx stops reading this attribute).
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=_LIMITS.max_connections,
            max_keepalive_connections=_LIMITS.max_keepalive_connections,
            keepalive_expiry=_KEEPALIVE_SECONDS,
            network_backend=self._sockets,
        )

    def abort(self) -> None:
        """Cut every open connection; connecting again fails from now on."""
        self._sockets.abort()


class _Sockets(httpcore.NetworkBackend):
    """httpcore's blocking backend, keeping a weak list of the sockets it opened."""

    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()
        self._open: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._aborted = False

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(
            host, port, timeout, local_address, socket_options
        )
        raw = stream.get_extra_info("socket")
        with self._lock:
            if not self._aborted:
                if isinstance(raw, socket.socket):
                    self._open.add(raw)
                return stream

        stream.close()
        raise httpcore.ConnectError("not connecting: the work was stopped")

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("registries are reached over TCP only")

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)

    def abort(self) -> None:
        with self._lock:
            self._aborted = True
            sockets = list(self._open)

        for raw in sockets:
            # A socket closed already has nothing left to cut.
            with contextlib.suppress(OSError):
                raw.shutdown(socket.SHUT_RDWR)
        if sockets:
            log.debug("cut %d open registry connection(s)", len(sockets))
