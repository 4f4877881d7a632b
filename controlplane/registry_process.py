"""The dev registry: CNCF distribution (`docker-registry`) configured for our tokens."""

from __future__ import annotations

import logging
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import httpx

from zigttp import atomic
from zigttp.controlplane.config import Settings
from zigttp.controlplane.registry_auth import TokenIssuer
from zigttp.errors import ZigttpError

log = logging.getLogger(__name__)
READY_SECONDS = 15.0


def write_config(settings: Settings, issuer: TokenIssuer, folder: Path) -> Path:
    """Write config.yml for a registry on `settings.registry_host` trusting `issuer`."""
    storage = folder / "storage"
    storage.mkdir(parents=True, exist_ok=True)
    secret_file = folder / "http-secret"
    if not secret_file.exists():
        atomic.write_bytes(secret_file, secrets.token_hex(24).encode(), mode=0o600)

    config = f"""\
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {storage}
  delete:
    enabled: true
http:
  addr: {settings.registry_host}
  secret: {secret_file.read_text().strip()}
auth:
  token:
    realm: {settings.token_realm}
    service: {settings.registry_service}
    issuer: {settings.token_issuer}
    rootcertbundle: {issuer.cert_path}
"""
    path = folder / "config.yml"
    atomic.write_bytes(path, config.encode(), mode=0o600)
    return path


class RegistryProcess:
    """A running `docker-registry serve CONFIG`, stopped with SIGTERM."""

    def __init__(self, config: Path, host: str, log_path: Path) -> None:
        binary = shutil.which("docker-registry")
        if binary is None:
            raise ZigttpError(
                "starting the dev registry: `docker-registry` is not on PATH; "
                "install Debian's docker-registry package (CNCF distribution)"
            )
        self.host = host
        self.log_file = log_path.open("ab")
        self.child = subprocess.Popen(
            [binary, "serve", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            env={"PATH": "/usr/bin:/bin"},
        )
        self._wait_ready(log_path)

    def _wait_ready(self, log_path: Path) -> None:
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.child.poll() is not None:
                tail = log_path.read_text(errors="replace")[-2000:]
                raise ZigttpError(
                    f"starting the dev registry on {self.host}: it exited with "
                    f"{self.child.returncode}:\n{tail}"
                )
            try:
                httpx.get(f"http://{self.host}/v2/", timeout=1.0)
                log.info("registry answering on %s", self.host)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise ZigttpError(
            f"starting the dev registry: no answer on {self.host} within "
            f"{READY_SECONDS:.0f} s; see {log_path}"
        )

    def stop(self) -> None:
        if self.child.poll() is None:
            self.child.terminate()
            try:
                self.child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.child.kill()
                self.child.wait()
        self.log_file.close()
