"""renderToString() checks the names it writes, not only the text.

A tag that is not a plain element name is dropped and its children rendered
in its place; an attribute name HTML would read as more than one name is
dropped; only props' own properties render, so nothing added to
Object.prototype shows up; dangerouslySetInnerHTML goes out raw in place of
the children; void elements are known whatever their case.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from .conftest import Launch
from .handlers import Server

CASES = """
const cases = {
  "/odd-tag": () => h("img src=x onerror=alert(1)", null, "kept"),
  "/tag-with-angle": () => h("<script>", { id: "s" }, h("b", null, "inside")),
  "/tag-starting-with-digit": () => h("1div", null, "text"),
  "/empty-tag": () => h("", null, "text"),
  "/number-tag": () => h(5, null, "text"),
  "/object-tag": () => h({ toString: () => "div" }, null, "text"),
  "/odd-tag-without-children": () => h("x y", null),
  "/custom-tags": () =>
    h("my-element", null, h("svg:rect", null), h("a.b_c", null, "x")),
  "/odd-attributes": () =>
    h("div", {
      "a b": "1",
      'x"y': "2",
      "x'y": "3",
      "on<x": "4",
      "o>": "5",
      "p/q": "6",
      "r=s": "7",
      "t\\u0001": "8",
      "u\\u007f": "9",
      "v\\u0085": "10",
      "w\\ufdd0": "11",
      "data-ok": "yes",
      "aria-label": "fine",
    }),
  "/class-name-still-maps": () =>
    h("label", { className: "c", htmlFor: "f", "bad name": "x" }, "l"),
  "/prototype": () => {
    Object.prototype.onclick = "alert(1)";
    Object.prototype.children = "inherited child";
    Object.prototype.dangerouslySetInnerHTML = { __html: "<script>x</script>" };
    try {
      return renderToString(h("div", { id: "d" }));
    } finally {
      delete Object.prototype.onclick;
      delete Object.prototype.children;
      delete Object.prototype.dangerouslySetInnerHTML;
    }
  },
  "/inherited-html": () =>
    h("div", { dangerouslySetInnerHTML: Object.create({ __html: "<i>raw</i>" }) },
      "safe"),
  "/raw-replaces-children": () =>
    h("div", { dangerouslySetInnerHTML: { __html: "<i>raw</i>" } }, "<ignored>"),
  "/raw-null": () =>
    h("p", { dangerouslySetInnerHTML: { __html: null } }, "<child>"),
  "/raw-number": () => h("p", { dangerouslySetInnerHTML: { __html: 42 } }),
  "/upper-void": () => h("BR", null),
  "/mixed-void": () => h("Img", { src: "a.png" }, "dropped"),
  "/not-void": () => h("Section", null),
};

export default function handler(request) {
  const made = cases[request.path]();
  const html = typeof made === "string" ? made : renderToString(made);
  return Response.json({ html });
}
"""


@pytest.fixture(scope="module")
def jsx(launch: Launch) -> Iterator[Server]:
    yield launch(CASES, args=["-q"])


def _render(server: Server, path: str) -> str:
    answer = httpx.get(server.url + path, timeout=10)
    assert answer.status_code == 200, answer.text
    html: str = answer.json()["html"]
    return html


@pytest.mark.parametrize(
    ("path", "html"),
    [
        ("/odd-tag", "kept"),
        ("/tag-with-angle", "<b>inside</b>"),
        ("/tag-starting-with-digit", "text"),
        ("/empty-tag", "text"),
        ("/number-tag", "text"),
        ("/object-tag", "text"),
        ("/odd-tag-without-children", ""),
    ],
)
def test_a_tag_that_is_not_an_element_name_is_dropped_for_its_children(
    jsx: Server, path: str, html: str
) -> None:
    assert _render(jsx, path) == html


def test_custom_and_namespaced_element_names_are_kept(jsx: Server) -> None:
    assert _render(jsx, "/custom-tags") == (
        "<my-element><svg:rect></svg:rect><a.b_c>x</a.b_c></my-element>"
    )


def test_attribute_names_html_would_split_are_dropped(jsx: Server) -> None:
    assert _render(jsx, "/odd-attributes") == (
        '<div data-ok="yes" aria-label="fine"></div>'
    )


def test_class_name_and_html_for_still_map_beside_a_dropped_name(
    jsx: Server,
) -> None:
    assert _render(jsx, "/class-name-still-maps") == (
        '<label class="c" for="f">l</label>'
    )


def test_properties_added_to_object_prototype_do_not_render(jsx: Server) -> None:
    assert _render(jsx, "/prototype") == '<div id="d"></div>'


def test_an_inherited_html_property_is_not_raw_html(jsx: Server) -> None:
    assert _render(jsx, "/inherited-html") == "<div>safe</div>"


@pytest.mark.parametrize(
    ("path", "html"),
    [
        ("/raw-replaces-children", "<div><i>raw</i></div>"),
        ("/raw-null", "<p>&lt;child&gt;</p>"),
        ("/raw-number", "<p>42</p>"),
    ],
)
def test_dangerously_set_inner_html_goes_out_raw_in_place_of_children(
    jsx: Server, path: str, html: str
) -> None:
    assert _render(jsx, path) == html


@pytest.mark.parametrize(
    ("path", "html"),
    [
        ("/upper-void", "<BR>"),
        ("/mixed-void", '<Img src="a.png">'),
        ("/not-void", "<Section></Section>"),
    ],
)
def test_void_elements_are_known_whatever_their_case(
    jsx: Server, path: str, html: str
) -> None:
    assert _render(jsx, path) == html
