"""Bad input: one line naming file, line and what to do; exit 1; nothing written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import RunCli

CASES = {
    "syntax error": (
        b"export default function handler(r: Request) {\n"
        b"  return Response.json({ a: 1 }\n}\n",
        "handler.ts:2:23: syntax error: ",
    ),
    "unknown zigttp module": (
        b'import { x } from "zigttp:nope";\n'
        b"export default function handler() { return Response.json(x); }\n",
        'handler.ts:1:19: unknown module "zigttp:nope": the available modules are ',
    ),
    "not UTF-8": (
        b'export default function handler() {\n  return Response.text("caf\xe9");\n}\n',
        "handler.ts:2:28: not UTF-8 text (byte 0xe9): save it as UTF-8",
    ),
    "empty file": (
        b"",
        "handler.ts:1:1: empty handler: define function handler(request)",
    ),
    "only comments": (
        b"// nothing here yet\n\n",
        "handler.ts:1:1: empty handler: define function handler(request)",
    ),
    "a package import": (
        b'import _ from "lodash";\n'
        b"export default function handler() { return Response.json(1); }\n",
        'handler.ts:1:15: cannot import "lodash": only zigttp:* modules',
    ),
    "a missing relative file": (
        b'import { a } from "./missing";\n'
        b"export default function handler() { return Response.json(a); }\n",
        'handler.ts:1:19: cannot find "./missing" (tried ./missing.ts, ',
    ),
    "an engine-level error": (
        b"export default function handler() {\n  let a = 1;\n  let a = 2;\n"
        b"  return Response.json(a);\n}\n",
        "handler.ts:3:",
    ),
}


COMPILER_ONLY = {"an engine-level error"}
COMMAND_CASES = [
    (command, case)
    for case in sorted(CASES)
    for command in ("build", "contract")
    if not (command == "contract" and case in COMPILER_ONLY)
]


@pytest.mark.parametrize(("command", "case"), COMMAND_CASES)
def test_bad_handler_gives_one_located_line_and_writes_nothing(
    run_cli: RunCli, tmp_path: Path, case: str, command: str
) -> None:
    source, expected = CASES[case]
    project = tmp_path / "project"
    project.mkdir()
    (project / "handler.ts").write_bytes(source)

    done = run_cli(command, ".", cwd=project)

    assert done.returncode == 1
    assert done.stdout == ""
    lines = [line for line in done.stderr.splitlines() if "first time only" not in line]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(expected), lines[0]
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in project.iterdir()) == ["handler.ts"]


def test_errors_name_the_file_from_where_the_user_stands(
    run_cli: RunCli, tmp_path: Path
) -> None:
    project = tmp_path / "apps" / "shop"
    project.mkdir(parents=True)
    (project / "handler.ts").write_bytes(CASES["syntax error"][0])

    done = run_cli("build", "apps/shop", cwd=tmp_path)

    assert done.returncode == 1
    assert done.stderr.startswith("apps/shop/handler.ts:2:23: syntax error: ")


def test_no_handler_lists_the_eight_paths_tried(
    run_cli: RunCli, tmp_path: Path
) -> None:
    done = run_cli("build", str(tmp_path))

    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    tried = (
        "handler.ts, handler.tsx, handler.jsx, handler.js, src/handler.ts, "
        "src/handler.tsx, src/handler.jsx, src/handler.js"
    )
    assert done.stderr == (
        f"error: no handler found in {tmp_path} (tried {tried}): "
        "create handler.ts, or another name on that list\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_failed_build_leaves_the_previous_image_in_place(
    run_cli: RunCli, example
) -> None:
    project = example("hello")
    good = run_cli("build", str(project))
    assert good.returncode == 0, good.stderr
    layout = project / ".zigttp" / "image"
    before = {p.name: p.read_bytes() for p in layout.rglob("*") if p.is_file()}

    (project / "handler.ts").write_text("export default function handler( {\n")
    bad = run_cli("build", str(project))

    assert bad.returncode == 1
    after = {p.name: p.read_bytes() for p in layout.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in (project / ".zigttp").iterdir()) == ["image"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["build", "--platform", "linux/s390x"],
            "cannot build for platform linux/s390x",
        ),
        (["build", "--platform", ","], "--platform needs at least one platform"),
        (["build", "--format", "zip"], "Invalid value for '--format'"),
        (["build", "no/such/place"], "no/such/place: no such file or directory"),
        (["inspect", "nothere"], "nothere: no such image folder or archive"),
        (["push"], "give a registry reference"),
        (["nosuchcommand"], "No such command 'nosuchcommand'"),
    ],
)
def test_usage_errors_exit_1_with_one_line(
    run_cli: RunCli, example, args: list[str], message: str
) -> None:
    project = example("hello")
    done = run_cli(*args, cwd=project)

    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_source_date_epoch_is_a_usage_error(run_cli: RunCli, example) -> None:
    done = run_cli(
        "build", str(example("hello")), env={"SOURCE_DATE_EPOCH": "yesterday"}
    )

    assert done.returncode == 1
    assert "SOURCE_DATE_EPOCH='yesterday' is not a whole number" in done.stderr


def test_output_never_replaces_what_is_not_an_image(
    run_cli: RunCli, example, tmp_path: Path
) -> None:
    project = example("hello")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")

    cases = [
        (["-o", str(fifo)], f"error: cannot write {fifo}: it is a pipe or socket"),
        (["-o", str(busy)], f"error: cannot write {busy}: it is a folder that holds"),
        (
            ["--format", "tar", "-o", str(busy)],
            f"error: cannot write {busy}: it is a folder",
        ),
        (
            ["-o", str(busy / "notes.txt" / "x")],
            f"error: {busy}/notes.txt/x: not a directory",
        ),
    ]
    for args, message in cases:
        done = run_cli("build", str(project), *args)
        assert done.returncode == 1, args
        assert done.stderr.startswith(message), done.stderr
    assert (busy / "notes.txt").read_text() == "mine"
    assert sorted(os.listdir(busy)) == ["notes.txt"]


def test_an_earlier_image_is_replaced_in_place(
    run_cli: RunCli, example, tmp_path: Path
) -> None:
    project = example("hello")
    out = tmp_path / "image"
    first = run_cli("build", str(project), "-o", str(out))
    (project / "handler.ts").write_text(
        (project / "handler.ts").read_text().replace('"ok"', '"fine"')
    )
    second = run_cli("build", str(project), "-o", str(out))

    assert first.returncode == second.returncode == 0
    assert first.stdout != second.stdout
    assert sorted(os.listdir(out)) == ["blobs", "index.json", "oci-layout"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("١٢٣", "SOURCE_DATE_EPOCH='١٢٣' is not a whole number"),
        ("99999999999", "later than a tar header can record (at most 8589934591"),
    ],
)
def test_source_date_epoch_out_of_range(
    run_cli: RunCli, example, value: str, message: str
) -> None:
    done = run_cli("build", str(example("hello")), env={"SOURCE_DATE_EPOCH": value})
    assert done.returncode == 1
    assert message in done.stderr


@pytest.mark.parametrize("digest", ["abc", "SHA256:" + "0" * 64, "0" * 64])
def test_expect_digest_must_be_a_digest(run_cli: RunCli, example, digest: str) -> None:
    done = run_cli("build", str(example("hello")), "--expect-digest", digest)
    assert done.returncode == 1
    assert "give the digest as zigttp build prints it" in done.stderr


def test_expect_digest_without_an_earlier_build_names_the_parts(
    run_cli: RunCli, example, tmp_path: Path
) -> None:
    done = run_cli(
        "build",
        str(example("hello")),
        "-o",
        str(tmp_path / "fresh"),
        "--expect-digest",
        "sha256:" + "0" * 64,
    )
    assert done.returncode == 1
    assert "no earlier build at" in done.stderr
    assert "rebuilt linux/amd64 has config sha256:" in done.stderr
    assert not (tmp_path / "fresh").exists()


def test_a_handler_that_is_not_a_regular_file(run_cli: RunCli, tmp_path: Path) -> None:
    fifo_project = tmp_path / "fifo"
    fifo_project.mkdir()
    os.mkfifo(fifo_project / "handler.ts")
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "handler.ts").symlink_to(tmp_path / "nowhere.ts")

    fifo = run_cli("build", str(fifo_project))
    dangling = run_cli("build", str(linked))

    assert fifo.returncode == dangling.returncode == 1
    assert "handler.ts: not a regular file; the handler must be one" in fifo.stderr
    assert "handler.ts: a link to nothing" in dangling.stderr


def test_a_tar_output_never_overwrites_a_source_file(run_cli: RunCli, example) -> None:
    project = example("hello")
    handler = (project / "handler.ts").read_bytes()

    done = run_cli(
        "build", str(project), "--format", "tar", "-o", str(project / "handler.ts")
    )

    assert done.returncode == 1
    assert "holds something other than an OCI archive" in done.stderr
    assert (project / "handler.ts").read_bytes() == handler
