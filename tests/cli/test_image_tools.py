"""Real image tools accept what `zigttp build` writes: skopeo and umoci."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from .conftest import RunCli


def test_skopeo_inspects_the_layout_and_the_archive(
    run_cli: RunCli, example, tmp_path: Path, run_tool: Callable[..., object]
) -> None:
    project = example("hello")
    digest = run_cli("build", str(project)).stdout.strip()
    archive = tmp_path / "hello.tar"
    assert run_cli("build", str(project), "--format", "tar", "-o", str(archive)).stdout

    layout = project / ".zigttp" / "image"
    for target in (f"oci:{layout}:latest", f"oci-archive:{archive}:latest"):
        shown = json.loads(run_tool("skopeo", "inspect", target).stdout)
        assert shown["Digest"] == digest
        assert shown["Architecture"] == "amd64"
        assert shown["Labels"]["zigttp.env-vars"] == '["GREETING_NAME"]'


def test_umoci_unpacks_a_runnable_bundle(
    run_cli: RunCli, example, tmp_path: Path, run_tool: Callable[..., object]
) -> None:
    project = example("hello")
    assert run_cli("build", str(project)).returncode == 0
    bundle = tmp_path / "bundle"

    run_tool(
        "umoci",
        "unpack",
        "--rootless",
        "--image",
        f"{project / '.zigttp' / 'image'}:latest",
        str(bundle),
    )

    binary = bundle / "rootfs" / "zigttp-handler"
    assert binary.is_file() and os.access(binary, os.X_OK)
    runtime_config = json.loads((bundle / "config.json").read_text())
    assert runtime_config["process"]["args"] == [
        "/zigttp-handler",
        "-q",
        "-h",
        "0.0.0.0",
        "-p",
        "3000",
    ]
