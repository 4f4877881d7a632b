"""Push timing: `zigttp push` beside `skopeo copy` of the same layout, same run."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.oci.real_registry import RegistryServer  # noqa: E402

ROUNDS = 5


def run(layout: Path, work: Path) -> dict[str, Any]:
    """Median wall time of a first push, a re-push, and skopeo's first push."""
    if shutil.which("docker-registry") is None:
        return {"skipped": "docker-registry is not installed"}

    ours, again, theirs, library = [], [], [], []
    for round_number in range(ROUNDS):
        registry = RegistryServer(work / f"registry-{round_number}")
        try:
            target = f"{registry.host}/bench/hello"
            library.append(pushed_in_process(layout, f"{target}-lib:1"))
            ours.append(timed(zigttp_push(layout, f"{target}:1")))
            again.append(timed(zigttp_push(layout, f"{target}:1")))
            if shutil.which("skopeo"):
                theirs.append(
                    timed(skopeo_copy(layout, f"{registry.host}/skopeo/hello:1", work))
                )
        finally:
            registry.stop()

    result: dict[str, Any] = {
        "zigttpPushMs": median_ms(ours),
        "zigttpRePushMs": median_ms(again),
        "zigttpPushInProcessMs": median_ms(library),
        "note": "CLI times include Python start-up and imports (about 0.3 s)",
    }
    if theirs:
        result["skopeoCopyMs"] = median_ms(theirs)
        result["ratioPushToSkopeo"] = round(median_ms(ours) / median_ms(theirs), 3)
        result["ratioInProcessPushToSkopeo"] = round(
            median_ms(library) / median_ms(theirs), 3
        )
    return result


def pushed_in_process(layout: Path, ref: str) -> float:
    """The registry client alone, as `zigttp deploy` calls it: no CLI start-up."""
    from zigttp.oci import layout as layouts
    from zigttp.oci import registry

    image = layouts.read(layout)
    started = time.perf_counter()
    registry.push(image, ref)
    return time.perf_counter() - started


def zigttp_push(layout: Path, ref: str) -> list[str]:
    return [sys.executable, "-m", "zigttp", "push", str(layout), ref]


def skopeo_copy(layout: Path, ref: str, work: Path) -> list[str]:
    runtime = work / "xdg"
    runtime.mkdir(mode=0o700, exist_ok=True)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    return [
        "skopeo",
        "copy",
        "--dest-tls-verify=false",
        f"oci:{layout}:latest",
        f"docker://{ref}",
    ]


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)
