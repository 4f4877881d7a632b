"""One definition of what a terminal would act on, rendered two ways."""

from __future__ import annotations

import pytest

from zigttp import untrusted

HOSTILE = "a\x1b[2Jb\x07c\rd\u202ee\u2028f\x9bg\u200bh"


def test_printable_shows_every_active_character_as_an_escape() -> None:
    assert untrusted.printable(HOSTILE) == (
        "a\\x1b[2Jb\\x07c\\rd\\u202ee\\u2028f\\x9bg\\u200bh"
    )


def test_replaced_keeps_blanks_as_spaces_and_marks_the_rest() -> None:
    assert untrusted.replaced("tab\there\nnext\x1b[0m") == "tab here next?[0m"


@pytest.mark.parametrize("text", ["plain", "ünïcödé ok", "tab-free, émoji 🙂"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert untrusted.printable(text) == untrusted.replaced(text) == text


def test_nested_data_is_cleaned_keys_too() -> None:
    assert untrusted.printable_all({"k\x1b": ["v\n", 3]}) == {"k\\x1b": ["v\\n", 3]}
