"""TLS trust for registry connections: always verifying, roots loaded when needed.

Loading the system's root certificates costs about 30 ms, a third of a whole
push to a registry on this machine over plain HTTP. So the roots load on the
first HTTPS request instead (a token server or a storage redirect may still be
HTTPS), or at once when the registry itself is HTTPS or a CA bundle is given.
"""

from __future__ import annotations

import ssl
import threading
from pathlib import Path

import httpx

from zigttp.errors import UsageError


class Trust:
    """One verifying SSL context for a session, shared by all its clients."""

    def __init__(self, ca_bundle: Path | None = None, eager: bool = False) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self.ca_bundle = ca_bundle
        self._loaded = False
        self._lock = threading.Lock()
        if eager or ca_bundle is not None:
            self._load()

    def prepare(self, url: httpx.URL) -> None:
        """Make sure the roots are in place before a request to `url`."""
        if url.scheme == "https" and not self._loaded:
            self._load()

    def _load(self) -> None:
        with self._lock:
            if self._loaded:
                return
            self.context.load_default_certs(ssl.Purpose.SERVER_AUTH)
            if self.ca_bundle is not None:
                try:
                    self.context.load_verify_locations(cafile=str(self.ca_bundle))
                except (OSError, ssl.SSLError) as error:
                    raise UsageError(
                        f"reading the CA bundle {self.ca_bundle}: {error}; "
                        "give a PEM file of CA certificates"
                    ) from error
            self._loaded = True
