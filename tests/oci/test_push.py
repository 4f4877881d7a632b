"""Pushing to the real registry: what arrives is what real tools read back."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from zigttp.oci import build, inspect, layout, registry
from zigttp.oci.image import Image, Index
from zigttp.progress import Step

from .real_registry import RegistryServer

MakeImage = Callable[..., Image]
RunTool = Callable[..., subprocess.CompletedProcess[str]]


def pull_with_skopeo(run_tool: RunTool, ref: str, folder: Path) -> Image | Index:
    """Copy `ref` into an OCI layout with skopeo and read it back with ours."""
    run_tool(
        "skopeo", "copy", "--all", "--src-tls-verify=false",
        f"docker://{ref}", f"oci:{folder}:pulled",
    )  # fmt: skip
    return layout.read(folder, tag="pulled")


def test_push_arrives_byte_for_byte(
    make_image: MakeImage,
    open_registry: RegistryServer,
    run_tool: RunTool,
    tmp_path: Path,
) -> None:
    image = make_image(labels={"zigttp.routes": '["GET /"]'})
    ref = f"{open_registry.host}/team/hello:1"

    result = registry_push(image, ref)

    assert result.digest == image.digest
    shown = run_tool("skopeo", "inspect", "--tls-verify=false", f"docker://{ref}")
    assert json.loads(shown.stdout)["Digest"] == image.digest
    pulled = pull_with_skopeo(run_tool, ref, tmp_path / "pulled")
    assert pulled.digest == image.digest
    assert isinstance(pulled, Image)
    assert (pulled.manifest, pulled.config, pulled.layers) == (
        image.manifest,
        image.config,
        image.layers,
    )


def registry_push(
    item: Image | Index, ref: str, **options: object
) -> registry.PushResult:
    """Push with a fresh memory of blobs, so tests do not see each other's pushes."""
    options.setdefault("known", registry.KnownBlobs())
    return registry.push(item, ref, **options)  # type: ignore[arg-type]


def test_index_push_arrives_with_every_platform(
    make_image: MakeImage,
    open_registry: RegistryServer,
    run_tool: RunTool,
    tmp_path: Path,
) -> None:
    index = build.index([make_image(), make_image(platform="linux/arm64")], {})
    ref = f"{open_registry.host}/team/multi:2"

    result = registry_push(index, ref)

    assert result.manifests == (*[i.digest for i in index.images], index.digest)
    raw = run_tool(
        "skopeo", "inspect", "--raw", "--tls-verify=false", f"docker://{ref}"
    )
    assert raw.stdout.encode() == index.manifest
    pulled = pull_with_skopeo(run_tool, ref, tmp_path / "pulled")
    assert pulled.digest == index.digest
    assert pulled.blobs == index.blobs


def test_second_push_uploads_nothing(
    make_image: MakeImage, open_registry: RegistryServer
) -> None:
    image = make_image()
    ref = f"{open_registry.host}/team/hello:1"
    registry_push(image, ref)

    again = registry_push(image, ref)

    assert [blob.outcome for blob in again.blobs] == ["skipped", "skipped"]
    assert again.digest == image.digest


def test_push_to_a_second_repository_mounts(
    make_image: MakeImage, open_registry: RegistryServer
) -> None:
    image = make_image()
    memory = registry.KnownBlobs()
    registry_push(image, f"{open_registry.host}/team/first:1", known=memory)

    second = registry_push(image, f"{open_registry.host}/team/second:1", known=memory)

    assert {(blob.outcome, blob.source) for blob in second.blobs} == {
        ("mounted", "team/first")
    }


def test_mount_from_a_hinted_sibling(
    make_image: MakeImage, open_registry: RegistryServer
) -> None:
    image = make_image()
    registry_push(image, f"{open_registry.host}/team/base:1")

    result = registry_push(
        image, f"{open_registry.host}/team/app:1", mount_from=["team/base"]
    )

    assert [blob.outcome for blob in result.blobs] == ["mounted", "mounted"]


def test_chunked_upload_of_a_large_blob(
    make_image: MakeImage,
    open_registry: RegistryServer,
    run_tool: RunTool,
    tmp_path: Path,
) -> None:
    image = make_image(binary=os.urandom(300_000), compression="zstd")
    ref = f"{open_registry.host}/team/chunky:1"
    steps: list[Step] = []

    registry_push(image, ref, chunk_size=64 * 1024, progress=steps.append)

    uploading = [s for s in steps if s.label.endswith("uploading")]
    assert [s.done for s in uploading][-1] == len(image.layers[0])
    assert len(uploading) == -(-len(image.layers[0]) // (64 * 1024))
    assert pull_with_skopeo(run_tool, ref, tmp_path / "pulled").blobs == image.blobs


def test_progress_reports_each_blob_and_the_manifest(
    make_image: MakeImage, open_registry: RegistryServer
) -> None:
    image = make_image()
    steps: list[Step] = []

    registry_push(image, f"{open_registry.host}/team/hello:1", progress=steps.append)

    sizes = {d.short: len(data) for d, data in image.blobs.items()}
    finished = {s.label: (s.done, s.total) for s in steps if s.done == s.total}
    for short, size in sizes.items():
        assert finished[f"blob {short} uploaded"] == (size, size)
    assert finished[f"manifest {image.digest.short} pushed"] == (1, 1)


def test_read_returns_what_was_pushed(
    make_image: MakeImage, open_registry: RegistryServer
) -> None:
    index = build.index([make_image(), make_image(platform="linux/arm64")], {})
    registry_push(index, f"{open_registry.host}/team/multi:1")

    by_tag = registry.read(f"{open_registry.host}/team/multi:1")
    by_digest = registry.read(f"{open_registry.host}/team/multi@{index.digest}")

    assert isinstance(by_tag, Index)
    assert by_tag.digest == by_digest.digest == index.digest
    assert by_tag.blobs == index.blobs
    described = inspect.describe(by_tag)
    assert [one["layers"][0]["files"][0]["name"] for one in described["images"]] == [
        "zigttp-handler",
        "zigttp-handler",
    ]


@pytest.mark.slow
def test_push_is_about_as_fast_as_skopeo(
    make_image: MakeImage,
    tmp_path: Path,
    run_tool: RunTool,
) -> None:
    image = make_image(binary=os.urandom(1024 * 1024))
    layout.write(image, tmp_path / "layout")
    ours_server = RegistryServer(tmp_path / "ours")
    theirs_server = RegistryServer(tmp_path / "theirs")
    try:
        started = time.perf_counter()
        registry_push(image, f"{ours_server.host}/team/timing:1")
        ours = time.perf_counter() - started

        started = time.perf_counter()
        run_tool(
            "skopeo", "copy", "--dest-tls-verify=false",
            f"oci:{tmp_path / 'layout'}:latest",
            f"docker://{theirs_server.host}/team/timing:1",
        )  # fmt: skip
        theirs = time.perf_counter() - started
    finally:
        ours_server.stop()
        theirs_server.stop()

    assert ours < max(3 * theirs, 1.0), (ours, theirs)
