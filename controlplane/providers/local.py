"""The local provider: run each service's release on this machine, behind our proxy.

A rollout pulls and unpacks the image, starts the new release on a free port and
waits until it answers HTTP. Only then does the route switch to it and the old
release stop, so a service keeps answering while it is updated. A ready release
that exits is restarted with a growing pause; a release that never became ready
is reported failed with the tail of its log, and the old one keeps serving.
"""

from __future__ import annotations

import json
import logging
import platform
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from zigttp import atomic
from zigttp.controlplane.providers import runner, unpack
from zigttp.controlplane.providers.base import (
    FAILED,
    PENDING,
    READY,
    Deployment,
    Status,
)
from zigttp.errors import ZigttpError
from zigttp.oci.image import Image, Index

log = logging.getLogger(__name__)
Pull = Callable[[str, str], Image | Index]
"""Fetches (repository, digest) from the registry, every blob checked."""

BACKOFF_SECONDS = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
HEALTHY_RESET_SECONDS = 60.0
_ARCHITECTURES = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


@dataclass
class _Service:
    """What the provider tracks for one service; guarded by the provider's lock."""

    hostname: str
    generation: int = 0
    status: Status = field(default_factory=lambda: Status(PENDING, ""))
    live: runner.Instance | None = None


class LocalProvider:
    """Runs releases as supervised processes (under runc when it can)."""

    def __init__(
        self, folder: Path, pull: Pull, runtime: str, health_timeout: float
    ) -> None:
        self.folder = folder
        self.pull = pull
        self.health_timeout = health_timeout
        self.runc_root = folder / "runc" if runner.runc_usable(runtime) else None
        self.architecture = _ARCHITECTURES.get(platform.machine(), platform.machine())
        self.lock = threading.Lock()
        self.services: dict[str, _Service] = {}
        self.routes: dict[str, int] = {}
        self.stopping = threading.Event()
        self.started: set[runner.Instance] = set()
        if self.runc_root is not None:
            runner.remove_leftovers(self.runc_root, folder / "services")
        mode = "runc containers" if self.runc_root else "plain processes"
        log.info("local provider runs releases as %s", mode)

    def deploy(self, deployment: Deployment) -> None:
        with self.lock:
            service = self.services.setdefault(
                deployment.service_id, _Service(deployment.hostname)
            )
            service.generation += 1
            generation = service.generation
            service.status = Status(PENDING, deployment.release_id, "starting")

        threading.Thread(
            target=self._roll_out,
            args=(deployment, generation),
            name=f"rollout-{deployment.release_id}",
            daemon=True,
        ).start()

    def status(self, service_id: str) -> Status | None:
        with self.lock:
            service = self.services.get(service_id)
            return service.status if service is not None else None

    def upstream(self, hostname: str) -> tuple[str, int] | None:
        with self.lock:
            port = self.routes.get(hostname)
        return ("127.0.0.1", port) if port is not None else None

    def stop(self) -> None:
        """Stop every instance, live or still starting, all at once."""
        self.stopping.set()
        with self.lock:
            running = list(self.started)
            self.routes.clear()
        stoppers = [threading.Thread(target=one.stop) for one in running]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()

    def _roll_out(self, deployment: Deployment, generation: int) -> None:
        try:
            image = self._unpacked(deployment)
            instance = self._start_healthy(deployment, image, generation, attempt=0)
        except ZigttpError as error:
            self._set_status(
                deployment,
                generation,
                Status(FAILED, deployment.release_id, str(error)),
            )
            return
        except Exception as error:  # a rollout thread must always report
            log.exception("rollout of %s failed", deployment.release_id)
            self._set_status(
                deployment,
                generation,
                Status(FAILED, deployment.release_id, f"internal error: {error}"),
            )
            return

        if instance is not None:
            self._supervise(deployment, generation, instance)

    def _unpacked(self, deployment: Deployment) -> unpack.Unpacked:
        folder = self.folder / "images" / deployment.digest.split(":", 1)[1]
        saved = folder / "entrypoint.json"
        if saved.exists() and (folder / "rootfs").exists():
            return unpack.Unpacked(
                folder / "rootfs", tuple(json.loads(saved.read_text()))
            )

        item = self.pull(deployment.repository, deployment.digest)
        image = unpack.choose_platform(item, self.architecture)
        unpacked = unpack.unpack(image, folder)
        atomic.write_bytes(saved, json.dumps(list(unpacked.entrypoint)).encode())
        return unpacked

    def _start_healthy(
        self,
        deployment: Deployment,
        image: unpack.Unpacked,
        generation: int,
        attempt: int,
    ) -> runner.Instance | None:
        """Start the release; once it answers, route to it. None if superseded."""
        instance = runner.Instance(
            name=f"{deployment.release_id}-{attempt}",
            rootfs=image.rootfs,
            entrypoint=image.entrypoint,
            env=deployment.env,
            port=runner.free_port(),
            workdir=self.folder / "services" / deployment.service_id,
            runc_root=self.runc_root,
        )
        with self.lock:
            self.started.add(instance)
        problem = self._wait_healthy(instance)
        if problem:
            self._stop(instance)
            raise ZigttpError(problem)

        with self.lock:
            service = self.services[deployment.service_id]
            if service.generation != generation or self.stopping.is_set():
                superseded = True
            else:
                superseded = False
                old, service.live = service.live, instance
                self.routes[deployment.hostname] = instance.port
                service.status = Status(READY, deployment.release_id)
        if superseded:
            self._stop(instance)
            return None

        if old is not None:
            threading.Thread(target=self._stop, args=(old,), daemon=True).start()
        log.info("%s ready on port %d", deployment.hostname, instance.port)
        return instance

    def _wait_healthy(self, instance: runner.Instance) -> str:
        """ "" once the release answers HTTP, else why it did not."""
        deadline = time.monotonic() + self.health_timeout
        url = f"http://127.0.0.1:{instance.port}/"
        while time.monotonic() < deadline and not self.stopping.is_set():
            code = instance.exit_code()
            if code is not None:
                return f"the release exited with code {code} before answering HTTP"
            try:
                httpx.get(url, timeout=1.0)
                return ""
            except httpx.TransportError:
                time.sleep(0.05)
        return (
            f"the release did not answer HTTP on port {instance.port} within "
            f"{self.health_timeout:.0f} s"
        )

    def _supervise(
        self, deployment: Deployment, generation: int, instance: runner.Instance
    ) -> None:
        """Restart the live release when it exits, pausing longer after each crash."""
        crashes = 0
        started = time.monotonic()
        while not self.stopping.wait(0.2):
            if not self._is_current(deployment, generation):
                return
            code = instance.exit_code()
            if code is None:
                if time.monotonic() - started > HEALTHY_RESET_SECONDS:
                    crashes = 0
                continue

            pause = BACKOFF_SECONDS[min(crashes, len(BACKOFF_SECONDS) - 1)]
            crashes += 1
            tail = instance.log_tail()
            self._stop(instance)
            log.warning(
                "%s exited with %d; restarting in %.0f s",
                deployment.hostname,
                code,
                pause,
            )
            self._set_status(
                deployment,
                generation,
                Status(
                    PENDING,
                    deployment.release_id,
                    f"exited with code {code}; restarting in {pause:.0f} s",
                    tail,
                ),
            )
            if self.stopping.wait(pause) or not self._is_current(
                deployment, generation
            ):
                return

            try:
                image = self._unpacked(deployment)
                restarted = self._start_healthy(deployment, image, generation, crashes)
            except ZigttpError as error:
                self._set_status(
                    deployment,
                    generation,
                    Status(
                        FAILED, deployment.release_id, f"restart failed: {error}", tail
                    ),
                )
                continue
            if restarted is None:
                return
            instance, started = restarted, time.monotonic()

    def _stop(self, instance: runner.Instance) -> None:
        instance.stop()
        with self.lock:
            self.started.discard(instance)

    def _is_current(self, deployment: Deployment, generation: int) -> bool:
        with self.lock:
            return self.services[deployment.service_id].generation == generation

    def _set_status(
        self, deployment: Deployment, generation: int, status: Status
    ) -> None:
        if status.state == FAILED and not status.log_tail:
            status = Status(
                status.state,
                status.release_id,
                status.message,
                self._latest_log_tail(deployment),
            )
        with self.lock:
            service = self.services[deployment.service_id]
            if service.generation == generation:
                service.status = status

    def _latest_log_tail(self, deployment: Deployment) -> tuple[str, ...]:
        folder = self.folder / "services" / deployment.service_id
        logs = sorted(
            folder.glob(f"{deployment.release_id}-*.log"),
            key=lambda path: path.stat().st_mtime,
        )
        if not logs:
            return ()
        text = logs[-1].read_bytes()[-16384:].decode("utf-8", "replace")
        return tuple(text.splitlines()[-20:])
