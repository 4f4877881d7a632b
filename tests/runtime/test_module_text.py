"""zigttp:text: escapeHtml, unescapeHtml, slugify, truncate and mask."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from . import calls
from .calls import UNDEFINED
from .conftest import Launch
from .handlers import Server


@pytest.fixture(scope="module")
def text(launch: Launch) -> Iterator[Server]:
    yield launch(calls.caller("text"))


@pytest.mark.parametrize(
    ("function", "args", "result"),
    [
        (
            "escapeHtml",
            ['<a href="x">Tom & Jerry\'s</a>'],
            ("&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"),
        ),
        ("escapeHtml", ["plain"], "plain"),
        (
            "unescapeHtml",
            ["&lt;b&gt; &amp;amp; &quot;q&quot; &#39;s&#39;"],
            ("<b> &amp; \"q\" 's'"),
        ),
        ("unescapeHtml", ["&unknown; & alone"], "&unknown; & alone"),
        ("slugify", ["Hello, World!"], "hello-world"),
        ("slugify", ["  Crème Brûlée: 2 ways  "], "creme-brulee-2-ways"),
        ("slugify", ["---"], ""),
        ("truncate", ["hello world", 8], "hello..."),
        ("truncate", ["hello", 8], "hello"),
        ("truncate", ["hello world", 6, "…"], "hello…"),
        ("truncate", ["héllo wörld", 7, ""], "héllo w"),
        ("truncate", ["hello", 2], "..."),
        ("mask", ["4111111111111111"], "************1111"),
        ("mask", ["secret", 2], "****et"),
        ("mask", ["abc"], "***"),
        ("mask", ["abcdef", 0], "******"),
        ("escapeHtml", [42], UNDEFINED),
        ("truncate", ["x"], UNDEFINED),
    ],
    ids=[
        "escape",
        "escape-plain",
        "unescape",
        "unescape-unknown",
        "slug",
        "slug-accents",
        "slug-empty",
        "truncate",
        "truncate-short",
        "truncate-suffix",
        "truncate-no-suffix",
        "truncate-smaller-than-suffix",
        "mask",
        "mask-visible",
        "mask-short",
        "mask-all",
        "escape-number",
        "truncate-no-length",
    ],
)
def test_text_helpers(
    text: Server, function: str, args: list[object], result: object
) -> None:
    assert calls.call(text, function, *args) == result


def test_escape_then_unescape_gives_the_text_back(text: Server) -> None:
    original = "<p class=\"a\">1 < 2 && 'x' > y</p>"

    escaped = calls.call(text, "escapeHtml", original)

    assert calls.call(text, "unescapeHtml", escaped) == original
