"""A handler built for this machine and run on 127.0.0.1, for engine-backed tests."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from zigttp.contract.program import Program
from zigttp.toolchain import build, targets


def host_binary(loaded: Program, path: Path) -> Path:
    """Write the handler binary of a loaded program for the host target."""
    path.write_bytes(
        build.handler_binary(
            [(module.name, module.javascript) for module in loaded.modules],
            loaded.contract.canonical(),
            targets.host(),
        )
    )
    path.chmod(0o755)
    return path


class Handler:
    """A built handler binary running on 127.0.0.1 with an ephemeral port."""

    def __init__(self, binary: Path, env: Mapping[str, str]) -> None:
        self.process = subprocess.Popen(
            [str(binary), "-h", "127.0.0.1", "-p", "0"],
            env={"PATH": os.defpath, **env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = self._wait_for_url()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def _wait_for_url(self) -> str:
        prefix = "zigttp-handler listening on "
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            for line in self.lines:
                if line.startswith(prefix):
                    return line.removeprefix(prefix)
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        self.stop()
        raise AssertionError(f"handler did not start: {self.lines}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self._reader.join(timeout=5)
        if self.process.stderr is not None:
            self.process.stderr.close()
