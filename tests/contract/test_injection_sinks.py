"""injectionSafe: request data reaching HTML by the less obvious ways.

JSX escapes text and attribute values, so data rendered through it is safe,
but not in dangerouslySetInnerHTML or as a tag name; a text or JSON Response
can declare itself HTML; data put into a container or a tagged template is
still data, and so is escaped data decoded again. Each way is a violation
(false); a rewrite of escaped data is undecided; the safe forms stay true.
"""

from __future__ import annotations

import pytest

from zigttp.contract import program

from .conftest import WriteProject

# (module-level code, handler body)
REACHES_HTML = {
    "dangerouslySetInnerHTML": (
        "",
        "return Response.html(renderToString("
        "<div dangerouslySetInnerHTML={{ __html: req.query.x }} />));",
    ),
    "a tag chosen by the request": (
        "",
        "const T: any = req.query.t;\n"
        "return Response.html(renderToString(<T>{req.query.x}</T>));",
    ),
    "Response.text declared as HTML": (
        "",
        "return Response.text(req.query.x,"
        ' { headers: { "content-type": "text/html" } });',
    ),
    "Response.json declared as HTML": (
        "",
        "return Response.json({ x: req.query.x },"
        ' { headers: { "Content-Type": "text/html; charset=utf-8" } });',
    ),
    "pushed into an array": (
        "",
        "const parts: string[] = [];\nparts.push(req.query.x);\n"
        'return Response.html(parts.join(""));',
    ),
    "set on an object": (
        "",
        "const o: any = {};\no.inner.x = req.query.x;\n"
        'return Response.html("<p>" + o.inner.x);',
    ),
    "Object.assign": (
        "",
        "const o: any = {};\nObject.assign(o, { x: req.query.x });\n"
        'return Response.html("<p>" + o.x);',
    ),
    "String.raw": ("", "return Response.html(String.raw`<p>${req.query.x}`);"),
}

ESCAPING_UNDONE = {
    "decoded after escaping": (
        'import { escapeHtml } from "zigttp:text";',
        'return Response.html("<p>" + decodeURIComponent(escapeHtml(req.query.x)));',
    ),
    "base64Decode": (
        'import { base64Decode } from "zigttp:crypto";',
        'return Response.html("<p>" + base64Decode(req.query.x));',
    ),
    "unescapeHtml after escaping": (
        'import { escapeHtml, unescapeHtml } from "zigttp:text";',
        "return Response.html(unescapeHtml(escapeHtml(req.query.x)));",
    ),
}

REWRITTEN_AFTER_ESCAPING = {
    "replace": (
        'import { escapeHtml } from "zigttp:text";',
        'return Response.html(escapeHtml(req.query.x).replace(/&lt;/g, "<"));',
    ),
    "normalize": (
        'import { escapeHtml } from "zigttp:text";',
        'return Response.html(escapeHtml(req.query.x).normalize("NFKC"));',
    ),
}

STAYS_SAFE = {
    "text in JSX": ("", "return Response.html(renderToString(<p>{req.query.x}</p>));"),
    "props spread in JSX": (
        "",
        "return Response.html(renderToString(<div {...req.query}>hi</div>));",
    ),
    "a constant tag": (
        'const T = "section";',
        "return Response.html(renderToString(<T>{req.query.x}</T>));",
    ),
    "a component": (
        "const Card = (p: { t: string }) => <b>{p.t}</b>;",
        "return Response.html(renderToString(<Card t={req.query.x} />));",
    ),
    "a constant snippet": (
        'const SNIPPET = "<b>hi</b>";',
        "return Response.html(renderToString("
        "<div dangerouslySetInnerHTML={{ __html: SNIPPET }} />));",
    ),
    "plain text": ("", "return Response.text(req.query.x);"),
    "escaped, then built on": (
        'import { escapeHtml } from "zigttp:text";',
        'return Response.html("<p>" + escapeHtml(req.query.x).trim() + "</p>");',
    ),
    "a container of constants": (
        "",
        'const parts: string[] = [];\nparts.push("<p>");\n'
        'return Response.html(parts.join(""));',
    ),
}


def _injection_safe(
    write_project: WriteProject, prelude: str, body: str
) -> bool | None:
    text = (
        f"{prelude}\nexport function handler(req: Request): Response {{\n  {body}\n}}\n"
    )
    folder = write_project({"handler.tsx": text})
    return program.load(folder / "handler.tsx").contract.properties["injectionSafe"]


@pytest.mark.parametrize(("prelude", "body"), REACHES_HTML.values(), ids=REACHES_HTML)
def test_request_data_reaching_html_is_a_violation(
    write_project: WriteProject, prelude: str, body: str
) -> None:
    assert _injection_safe(write_project, prelude, body) is False


@pytest.mark.parametrize(("prelude", "body"), STAYS_SAFE.values(), ids=STAYS_SAFE)
def test_escaped_or_constant_html_stays_safe(
    write_project: WriteProject, prelude: str, body: str
) -> None:
    assert _injection_safe(write_project, prelude, body) is True


@pytest.mark.parametrize(
    ("prelude", "body"), ESCAPING_UNDONE.values(), ids=ESCAPING_UNDONE
)
def test_data_decoded_after_escaping_is_raw_again(
    write_project: WriteProject, prelude: str, body: str
) -> None:
    assert _injection_safe(write_project, prelude, body) is False


@pytest.mark.parametrize(
    ("prelude", "body"),
    REWRITTEN_AFTER_ESCAPING.values(),
    ids=REWRITTEN_AFTER_ESCAPING,
)
def test_escaped_data_rewritten_is_not_proven_either_way(
    write_project: WriteProject, prelude: str, body: str
) -> None:
    assert _injection_safe(write_project, prelude, body) is None
