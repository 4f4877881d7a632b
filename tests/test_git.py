"""Origin URL and HEAD read from .git files, agreeing with git itself."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from zigttp import git, project


def run_git(directory: Path, *args: str) -> str:
    done = subprocess.run(
        [
            "git",
            "-C",
            str(directory),
            "-c",
            "user.email=t@t",
            "-c",
            "user.name=t",
            *args,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    folder.mkdir()
    run_git(folder, "init", "-q", "-b", "main")
    run_git(folder, "remote", "add", "origin", "https://example.invalid/team/App.git")
    run_git(folder, "commit", "-q", "--allow-empty", "-m", "one")
    return folder


def test_head_and_origin_match_git(repo: Path) -> None:
    checkout = git.find(repo / "sub" / "dir")

    assert checkout is not None
    assert git.head_revision(checkout) == run_git(repo, "rev-parse", "HEAD")
    assert git.remote_url(checkout) == "https://example.invalid/team/App.git"


def test_packed_refs_and_a_detached_head(repo: Path) -> None:
    run_git(repo, "pack-refs", "--all")
    checkout = git.find(repo)
    assert checkout is not None
    assert git.head_revision(checkout) == run_git(repo, "rev-parse", "HEAD")

    first = run_git(repo, "rev-parse", "HEAD")
    run_git(repo, "commit", "-q", "--allow-empty", "-m", "two")
    run_git(repo, "checkout", "-q", first)
    assert git.head_revision(checkout) == first


def test_a_worktree_reads_the_shared_config(repo: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    run_git(repo, "worktree", "add", "-q", "-b", "side", str(other))
    checkout = git.find(other)

    assert checkout is not None
    assert git.remote_url(checkout) == "https://example.invalid/team/App.git"
    assert git.head_revision(checkout) == run_git(other, "rev-parse", "HEAD")


def test_a_checkout_owned_by_someone_else_still_names_the_project(repo: Path) -> None:
    for root, folders, files in os.walk(repo):
        for name in [*folders, *files]:
            os.lchown(os.path.join(root, name), 1000, 1000)
    os.chown(repo, 1000, 1000)

    assert project.service_name(repo).slug == "app"
    assert project.git_source(repo) is not None


def test_an_unborn_branch_has_no_revision(tmp_path: Path) -> None:
    run_git(tmp_path, "init", "-q")
    checkout = git.find(tmp_path)
    assert checkout is not None
    assert git.head_revision(checkout) is None
    assert project.git_source(tmp_path) is None


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "https://bot:s3cret@example.invalid/a/b.git",
            "https://example.invalid/a/b.git",
        ),
        (
            "https://example.invalid/a/b.git?private_token=SECRET5",
            "https://example.invalid/a/b.git",
        ),
        ("https://example.invalid/a/b.git#frag", "https://example.invalid/a/b.git"),
        ("git@example.invalid:a/b.git", "git@example.invalid:a/b.git"),
    ],
)
def test_urls_lose_every_secret_part(url: str, shown: str) -> None:
    assert project.without_credentials(url) == shown


def test_a_query_never_reaches_the_service_name(tmp_path: Path) -> None:
    run_git(tmp_path, "init", "-q")
    run_git(
        tmp_path, "remote", "add", "origin", "https://h.invalid/t/shop.git?token=abc"
    )
    assert project.service_name(tmp_path).slug == "shop"
