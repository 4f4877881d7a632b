"""Service naming and git provenance (cli.md, "Project")."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from zigttp import project
from zigttp.errors import InputError


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("@Scope/My_App.v2", "scope-my-app-v2"),
        ("hello", "hello"),
        ("  Hello World!!  ", "hello-world"),
        ("---a---b---", "a-b"),
        ("Ünïcode Café", "n-code-caf"),
        ("x" * 70, "x" * 63),
        ("a" * 62 + "-b", "a" * 62),
        ("!!!", ""),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert project.slugify(name) == slug


def git(directory: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(directory), *args], check=True, capture_output=True
    )


def test_package_json_name_wins(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "@Team/Shop_API"}')
    git(tmp_path, "init", "-q")
    git(tmp_path, "remote", "add", "origin", "git@example.invalid:team/other.git")

    assert project.service_name(tmp_path) == project.ServiceName(
        "team-shop-api", "package.json"
    )


@pytest.mark.parametrize(
    "url",
    [
        "git@example.invalid:team/Billing-Svc.git",
        "https://example.invalid/team/Billing-Svc.git",
        "https://example.invalid/team/Billing-Svc/",
        "/srv/git/Billing-Svc.git",
    ],
)
def test_git_origin_basename_is_next(tmp_path: Path, url: str) -> None:
    git(tmp_path, "init", "-q")
    git(tmp_path, "remote", "add", "origin", url)

    assert project.service_name(tmp_path).slug == "billing-svc"


def test_directory_name_is_last(tmp_path: Path) -> None:
    folder = tmp_path / "My Service"
    folder.mkdir()
    assert project.service_name(folder) == project.ServiceName(
        "my-service", "the directory name"
    )


def test_a_name_without_letters_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "@@@"}')
    with pytest.raises(InputError, match="has no letters or digits"):
        project.service_name(tmp_path)


def test_broken_package_json_is_named(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text("{nope")
    with pytest.raises(InputError, match="package.json: cannot read it as JSON"):
        project.service_name(tmp_path)


def test_git_source_drops_credentials(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    git(
        tmp_path,
        "remote",
        "add",
        "origin",
        "https://bot:s3cret@example.invalid/a/b.git",
    )
    git(
        tmp_path,
        "-c",
        "user.email=t@t",
        "-c",
        "user.name=t",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "x",
    )

    source = project.git_source(tmp_path)

    assert source is not None
    assert source.url == "https://example.invalid/a/b.git"
    assert len(source.revision) == 40


def test_package_json_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_bytes(b'\xef\xbb\xbf{"name": "Bom App"}')
    assert project.service_name(tmp_path).slug == "bom-app"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"name": 5}', '"name" must be a string, found int'),
        ("[" * 100000 + "]" * 100000, "cannot read it as JSON (nested too deeply)"),
    ],
)
def test_odd_package_json_is_a_clear_error(
    tmp_path: Path, content: str, message: str
) -> None:
    (tmp_path / "package.json").write_text(content)
    with pytest.raises(
        InputError, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        project.service_name(tmp_path)
