"""h(), Fragment and renderToString(): server-side HTML from JSX calls."""

from __future__ import annotations

import httpx
import pytest

from .conftest import StartServer


@pytest.mark.parametrize(
    ("expression", "html"),
    [
        ('h("p", null, "a < b & \\"c\\"")', "<p>a &lt; b &amp; &quot;c&quot;</p>"),
        (
            'h("a", {href: "/x?a=1&b=\\"2\\""}, "go")',
            '<a href="/x?a=1&amp;b=&quot;2&quot;">go</a>',
        ),
        (
            'h("input", {disabled: true, hidden: false, value: "v"})',
            '<input disabled value="v">',
        ),
        ('h("br", null)', "<br>"),
        (
            'h("ul", null, [1, 2].map((n) => h("li", {key: n}, n)))',
            "<ul><li>1</li><li>2</li></ul>",
        ),
        ('h("div", null, null, false, true, undefined, 0, "")', "<div>0</div>"),
        ('h(Fragment, null, h("b", null, "x"), "y")', "<b>x</b>y"),
        ('h("div", {className: "c", htmlFor: "f"})', '<div class="c" for="f"></div>'),
        (
            'h("div", {style: {fontSize: "2px", color: "red"}})',
            '<div style="font-size:2px;color:red"></div>',
        ),
        ('h("div", {onClick: () => 1}, [["a", ["b"]], "c"])', "<div>abc</div>"),
        (
            'h("div", {dangerouslySetInnerHTML: {__html: "<i>raw</i>"}})',
            "<div><i>raw</i></div>",
        ),
        ('"<script>"', "&lt;script&gt;"),
        (
            'h(Card, {title: "<T>"}, h("span", null, "body"))',
            "<section><h2>&lt;T&gt;</h2><span>body</span></section>",
        ),
    ],
)
def test_render_to_string(
    start_server: StartServer, expression: str, html: str
) -> None:
    server = start_server(
        "function Card(props) {\n"
        '  return h("section", null, h("h2", null, props.title), props.children);\n'
        "}\n"
        f"export default () => Response.html(renderToString({expression}));"
    )

    response = httpx.get(server.url + "/")

    assert response.status_code == 200
    assert response.text == html
