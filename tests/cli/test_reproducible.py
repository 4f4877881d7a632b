"""Same handler, same SOURCE_DATE_EPOCH: the same digest wherever and however built."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

from . import image_files
from .conftest import RunCli

EPOCH = "1700000000"


def build_in_shell(project: Path, umask: str, env: dict[str, str]) -> str:
    """Build with a given umask, through a shell, from inside the project folder."""
    command = f"umask {umask} && exec {shlex.quote(sys.executable)} -m zigttp build"
    done = subprocess.run(
        ["sh", "-c", command],
        cwd=project,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_two_builds_in_different_places_give_one_digest(
    example, tmp_path: Path, build_cache: Path
) -> None:
    first = example("hello", tmp_path / "one")
    second_parent = tmp_path / "somewhere" / "else entirely"
    second_parent.mkdir(parents=True)
    second = example("hello", second_parent)
    for path in second.iterdir():
        os.utime(path, (1234567890, 1234567890))

    common = {"ZIGTTP_CACHE_DIR": str(build_cache), "SOURCE_DATE_EPOCH": EPOCH}
    digest_one = build_in_shell(first, "022", {**common, "TZ": "UTC", "LC_ALL": "C"})
    digest_two = build_in_shell(
        second,
        "077",
        {**common, "TZ": "Pacific/Chatham", "LC_ALL": "C.UTF-8", "LANG": "de_DE"},
    )

    assert digest_one == digest_two
    one, two = (p / ".zigttp" / "image" / "blobs" / "sha256" for p in (first, second))
    assert sorted(os.listdir(one)) == sorted(os.listdir(two))
    for name in os.listdir(one):
        assert (one / name).read_bytes() == (two / name).read_bytes()


def test_source_date_epoch_sets_created_and_changes_the_digest(
    run_cli: RunCli, example
) -> None:
    project = example("hello")
    layout = project / ".zigttp" / "image"

    first = run_cli("build", str(project), env={"SOURCE_DATE_EPOCH": EPOCH})
    created_first = image_files.config(layout)["created"]
    second = run_cli("build", str(project), env={"SOURCE_DATE_EPOCH": "1700000001"})
    config = image_files.config(layout)

    assert first.returncode == second.returncode == 0
    assert first.stdout != second.stdout
    assert created_first == "2023-11-14T22:13:20Z"
    assert config["created"] == "2023-11-14T22:13:21Z"
    manifest = image_files.manifest(layout)
    assert (
        manifest["annotations"]["org.opencontainers.image.created"] == config["created"]
    )


def test_no_source_date_epoch_omits_created(run_cli: RunCli, example) -> None:
    project = example("hello")
    done = run_cli("build", str(project), env={"SOURCE_DATE_EPOCH": ""})

    assert done.returncode == 0, done.stderr
    assert "created" not in image_files.config(project / ".zigttp" / "image")


def test_expect_digest_passes_on_a_match_and_names_the_difference_otherwise(
    run_cli: RunCli, example
) -> None:
    project = example("hello")
    digest = run_cli("build", str(project), env={"SOURCE_DATE_EPOCH": EPOCH}).stdout
    digest = digest.strip()

    same = run_cli(
        "build",
        str(project),
        "--expect-digest",
        digest,
        env={"SOURCE_DATE_EPOCH": EPOCH},
    )
    assert same.returncode == 0 and same.stdout.strip() == digest

    handler = project / "handler.ts"
    handler.write_text(handler.read_text().replace('"ok"', '"fine"'))
    differs = run_cli(
        "build",
        str(project),
        "--expect-digest",
        digest,
        env={"SOURCE_DATE_EPOCH": EPOCH},
    )
    assert differs.returncode == 1
    assert differs.stdout == ""
    message = differs.stderr.strip().splitlines()[-1]
    assert message.startswith("error: digest sha256:")
    assert f"differs from expected {digest}" in message
    assert "zigttp-handler" in message
    index = json.loads((project / ".zigttp" / "image" / "index.json").read_text())
    assert index["manifests"][0]["digest"] == digest


def test_the_folder_name_never_changes_the_digest(
    example, tmp_path: Path, build_cache: Path
) -> None:
    digests = []
    for name in ("alpha", "beta"):
        project = tmp_path / name
        project.mkdir()
        source = example("hello", tmp_path / f"src-{name}")
        (project / "handler.ts").write_bytes((source / "handler.ts").read_bytes())
        env = {"ZIGTTP_CACHE_DIR": str(build_cache), "SOURCE_DATE_EPOCH": EPOCH}
        digests.append(build_in_shell(project, "022", env))

    assert digests[0] == digests[1]


def test_platform_order_and_spelling_give_one_index(run_cli: RunCli, example) -> None:
    project = example("hello")
    first = run_cli("build", str(project), "--platform", "linux/arm64,linux/amd64")
    second = run_cli(
        "build", str(project), "--platform", "LINUX/amd64,linux/arm64/v8,linux/amd64"
    )

    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert first.stdout == second.stdout
