"""The dev registry: CNCF distribution (`docker-registry`) configured for our tokens."""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import socket
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

    # Every value is written as a JSON string, which YAML reads as a quoted
    # scalar: a path or host can never add lines of its own.
    config = f"""\
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {_quoted(storage)}
  delete:
    enabled: true
http:
  addr: {_quoted(settings.registry_host)}
  secret: {_quoted(secret_file.read_text().strip())}
auth:
  token:
    realm: {_quoted(settings.token_realm)}
    service: {_quoted(settings.registry_service)}
    issuer: {_quoted(settings.token_issuer)}
    rootcertbundle: {_quoted(issuer.cert_path)}
"""
    path = folder / "config.yml"
    atomic.write_bytes(path, config.encode(), mode=0o600)
    return path


def _quoted(value: object) -> str:
    return json.dumps(str(value))


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
        self.log_path = log_path
        _check_free(host)
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
        """Wait until our child answers; any answer while it is gone is not ours."""
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            self._check_running()
            try:
                httpx.get(f"http://{self.host}/v2/", timeout=1.0)
            except httpx.TransportError:
                time.sleep(0.05)
                continue
            self._check_running()
            log.info("registry answering on %s", self.host)
            return
        self.stop()
        raise ZigttpError(
            f"starting the dev registry: no answer on {self.host} within "
            f"{READY_SECONDS:.0f} s; see {log_path}"
        )

    def _check_running(self) -> None:
        code = self.child.poll()
        if code is None:
            return
        self.log_file.close()
        raise ZigttpError(
            f"starting the dev registry on {self.host}: it exited with code {code} "
            f"({_last_line(self.log_path)}); see {self.log_path}"
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


def _check_free(host: str) -> None:
    """Refuse a registry port something else listens on, before starting ours.

    A registry left running by a control plane that was killed keeps its port;
    ours would exit at once, and the old one would answer in its place.
    SO_REUSEADDR lets the probe ignore closed connections still in TIME_WAIT
    while it still fails on a socket that listens.
    """
    address, _, port = host.rpartition(":")
    address = address.strip("[]")
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, int(port)))
        except OSError as error:
            reason = (error.strerror or str(error)).lower()
            raise ZigttpError(
                f"starting the dev registry: cannot listen on {host}: {reason} "
                "(a registry left running by a killed control plane?); stop what "
                "uses it or pick another --registry-port"
            ) from None


def _last_line(path: Path) -> str:
    """The registry's last log line, as one printable line (its reason to exit)."""
    try:
        lines = path.read_bytes()[-4096:].decode("utf-8", "replace").splitlines()
    except OSError:
        return "no log"
    last = next((line for line in reversed(lines) if line.strip()), "no output")
    return "".join(ch if ch.isprintable() else " " for ch in last).strip()[:300]
