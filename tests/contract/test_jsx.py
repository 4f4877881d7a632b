"""JSX compiles to h(tag, props, ...children) with React text rules, lines kept."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from zigttp.contract import jsx

Transform = Callable[[str, str], str]

COMPILED = [
    pytest.param("const a = <br/>;", 'const a = h("br", null);', id="self-closing"),
    pytest.param(
        "const b = <p>Hello</p>;", 'const b = h("p", null, "Hello");', id="text-child"
    ),
    pytest.param(
        'const c = <a href="/x" data-id={1} hidden {...p} xlink:href="#y" '
        "aria-label='q'>t</a>;",
        'const c = h("a", { href: "/x", "data-id": 1, hidden: true, ...p, '
        '"xlink:href": "#y", "aria-label": "q" }, "t");',
        id="attributes-spread-boolean-namespaced-dashed",
    ),
    pytest.param(
        'const d = <p title="a &amp; b">&lt;tag&gt; &#169; &#x1F600; &nope;</p>;',
        'const d = h("p", { title: "a & b" }, "<tag> © 😀 &nope;");',
        id="entities",
    ),
    pytest.param(
        "const e = (\n  <div>\n    first line\n       second line\n\n"
        "    {value}   trailing\n  </div>\n);",
        'const e = (\n  h("div", null,\n"first line second line",\n\n\n'
        'value, "   trailing"\n)\n);',
        id="whitespace-rules-keep-lines",
    ),
    pytest.param(
        'const f = <><b>x</b>{" "}<i>y</i></>;',
        'const f = h(Fragment, null, h("b", null, "x"), " ", h("i", null, "y"));',
        id="fragment",
    ),
    pytest.param(
        'const g = <UI.Button kind="primary"><Card /></UI.Button>;',
        'const g = h(UI.Button, { kind: "primary" }, h(Card, null));',
        id="member-and-capitalised-tags",
    ),
    pytest.param(
        "const i = <div>{/* comment */}{}<span /></div>;",
        'const i = h("div", null, h("span", null));',
        id="comments-and-empty-expressions-dropped",
    ),
    pytest.param(
        "const j = <ul>{items.map((item) => <li key={item}>{item}</li>)}</ul>;",
        'const j = h("ul", null, items.map((item) => h("li", { key: item }, item)));',
        id="nested-in-expression",
    ),
    pytest.param(
        'const k = <my-element some-attr="1" />;',
        'const k = h("my-element", { "some-attr": "1" });',
        id="custom-element",
    ),
    pytest.param(
        "const l = <div>{...children}</div>;",
        'const l = h("div", null, ...children);',
        id="spread-child",
    ),
    pytest.param(
        'const m = <div\n  id="x"\n  class={cls}\n>\n  text\n</div>;',
        'const m = h("div", {\nid: "x",\nclass: cls },\n\n"text"\n);',
        id="attributes-keep-lines",
    ),
    pytest.param(
        "const n = <input onChange={(e) => set(e.target.value)} disabled={false} />;",
        'const n = h("input", { onChange: (e) => set(e.target.value), '
        "disabled: false });",
        id="expression-attributes",
    ),
    pytest.param(
        "const o = <svg:rect x=<b/> />;",
        'const o = h("svg:rect", { x: h("b", null) });',
        id="namespaced-tag-element-attribute",
    ),
]


@pytest.mark.parametrize("suffix", [".jsx", ".tsx", ".js"])
@pytest.mark.parametrize(("source", "expected"), COMPILED)
def test_jsx_compiles_to_h_calls(
    transform: Transform, source: str, expected: str, suffix: str
) -> None:
    output = transform(source, f"lib{suffix}")

    assert output == expected
    assert output.count("\n") == source.count("\n")


def test_types_inside_tsx_expressions_are_erased(transform: Transform) -> None:
    source = "const p = <ul>{xs.map((x: Item): any => <li>{x as string}</li>)}</ul>;"

    output = transform(source, "lib.tsx")

    assert output == (
        'const p = h("ul", null, xs.map((x      )      => h("li", null, x          )));'
    )


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("plain", "plain"),
        ("  both sides  ", "  both sides  "),
        ("\n   only newline and spaces   \n", "only newline and spaces"),
        ("a\n   b\n\n   c", "a b c"),
        ("\t tab \n", "  tab"),
        ("\n\n  \n", ""),
        ("x\r\n  y", "x y"),
    ],
)
def test_text_follows_react_whitespace_rules(raw: str, text: str) -> None:
    assert jsx.clean_text(raw) == text


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        ("&amp;&lt;&gt;&quot;&apos;", "&<>\"'"),
        ("&nbsp;", "\u00a0"),
        ("&#65;&#x42;&#X43;", "ABC"),
        ("&#0;", "\ufffd"),
        ("&unknown; &amp no semicolon", "&unknown; &amp no semicolon"),
    ],
)
def test_html_entities_are_decoded(raw: str, decoded: str) -> None:
    assert jsx.decode_entities(raw) == decoded


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed to run the output")
def test_compiled_jsx_builds_the_tree_it_describes(
    transform: Transform, tmp_path: Path
) -> None:
    source = (
        "const Card = (props, ...kids) => ({ card: props.title, kids });\n"
        "const items = ['a', 'b'];\n"
        "export const tree = (\n"
        '  <main id="m" data-n={2}>\n'
        "    Hi &amp; bye\n"
        '    <Card title="t">{items.map((i) => <li key={i}>{i}</li>)}</Card>\n'
        "    <>frag</>\n"
        "  </main>\n"
        ");\n"
    )
    script = tmp_path / "lib.mjs"
    script.write_text(
        "globalThis.Fragment = 'F';\n"
        "globalThis.h = (tag, props, ...children) => typeof tag === 'function'\n"
        "  ? tag(props, ...children) : [tag, props, children];\n"
        + transform(source, "lib.jsx")
    )
    runner = tmp_path / "run.mjs"
    runner.write_text(
        "import { tree } from './lib.mjs';\nconsole.log(JSON.stringify(tree));\n"
    )

    result = subprocess.run(
        [str(NODE), str(runner)], capture_output=True, text=True, check=True
    )

    assert json.loads(result.stdout) == [
        "main",
        {"id": "m", "data-n": 2},
        [
            "Hi & bye",
            {
                "card": "t",
                "kids": [[["li", {"key": "a"}, ["a"]], ["li", {"key": "b"}, ["b"]]]],
            },
            ["F", None, ["frag"]],
        ],
    ]
