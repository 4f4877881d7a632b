"""The .env rules of cli.md: what is accepted, and the exact error for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from zigttp import dotenv
from zigttp.errors import DotenvError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        ("A=1\n", {"A": "1"}),
        ("# comment\n\nA=1\n   \n", {"A": "1"}),
        ("export A=1", {"A": "1"}),
        ("A='one two'", {"A": "one two"}),
        ('A="x=y#z"', {"A": "x=y#z"}),
        ("A=1\r\nB=2\r\n", {"A": "1", "B": "2"}),
        ("A=", {"A": ""}),
        ("A=a=b", {"A": "a=b"}),
        ("_private9=x", {"_private9": "x"}),
        ("A=1\nA=2", {"A": "2"}),
        ("  A = padded  ", {"A": "padded"}),
        ("A='keeps \"inner\" quotes'", {"A": 'keeps "inner" quotes'}),
    ],
)
def test_accepted_lines(text: str, expected: dict[str, str]) -> None:
    assert dotenv.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("JUSTAWORD", 1, "expected KEY=value (or a # comment)"),
        ("A=1\n\n9A=2", 3, "'9A' is not a valid name"),
        ("A-B=1", 1, "'A-B' is not a valid name"),
        ("A='open", 1, "the value opens a ' quote it never closes"),
        ('A="', 1, 'the value opens a " quote it never closes'),
        ("A='v' trailing", 1, "text follows the closing ' quote: quote all of it"),
        ("=value", 1, "'' is not a valid name"),
    ],
)
def test_rejected_lines_name_file_and_line(text: str, line: int, problem: str) -> None:
    with pytest.raises(DotenvError) as caught:
        dotenv.parse(text)

    assert caught.value.line == line
    assert str(caught.value).startswith(f".env:{line}: {problem}")


def test_a_bad_line_never_echoes_a_pasted_secret() -> None:
    secret = "sk_live_0123456789abcdefghijklmnop"
    with pytest.raises(DotenvError) as caught:
        dotenv.parse(secret)
    assert secret[:8] not in str(caught.value)


def test_missing_file_is_empty(tmp_path: Path) -> None:
    assert dotenv.load(tmp_path / ".env") == {}


def test_non_utf8_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(b"A=1\nB=\xff\n")

    with pytest.raises(DotenvError) as caught:
        dotenv.load(path)
    assert str(caught.value) == f"{path}:2: not UTF-8 text: save it as UTF-8"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("A=a\x00b", "the value holds a control character (0x00)"),
        ("A='x\x1b[2Jy'", "the value holds a control character (0x1b)"),
        ("A=" + "x" * (dotenv.MAX_VALUE_BYTES + 1), "the value is longer than"),
    ],
)
def test_values_no_environment_can_carry_are_refused(text: str, problem: str) -> None:
    with pytest.raises(DotenvError) as caught:
        dotenv.parse(text)
    assert str(caught.value).startswith(f".env:1: {problem}")
    assert "x\x1b" not in str(caught.value)


def test_a_tab_inside_a_value_is_fine() -> None:
    assert dotenv.parse("A='one\ttwo'") == {"A": "one\ttwo"}


def test_more_names_than_a_release_carries_is_refused() -> None:
    lines = "\n".join(f"K{number}=v" for number in range(dotenv.MAX_NAMES + 1))
    with pytest.raises(DotenvError) as caught:
        dotenv.parse(lines)
    assert caught.value.line == dotenv.MAX_NAMES + 1
