"""stateIsolated: proven only when nothing that outlives a request is written.

Each handler below either writes module-level state in a way meant to slip
past the analysis (false) or touches shared values only by reading or copying
them (true). A write the analysis misses would stamp a false fact on an image.
"""

from __future__ import annotations

import pytest

from zigttp.contract import program

from .conftest import WriteProject

# (module-level code, handler body)
SHARED_WRITES = {
    "closure made at load": (
        "function counter() { let n = 0; return () => ++n; }\nconst next = counter();",
        "return Response.json({ n: next() });",
    ),
    "Object.assign": (
        "const state = { hits: 0 };",
        "Object.assign(state, { last: req.path });",
    ),
    "Reflect.set": (
        "const state: Record<string, string> = {};",
        'Reflect.set(state, "last", req.path);',
    ),
    "generator made at load": (
        "function* ids() { let i = 0; while (true) yield i++; }\nconst gen = ids();",
        "return Response.json({ id: gen.next().value });",
    ),
    "method writing this": (
        "class Counter { n = 0; bump() { this.n++; return this.n; } }\n"
        "const c = new Counter();",
        "return Response.json({ n: c.bump() });",
    ),
    "borrowed array method": (
        "const seen: string[] = [];",
        "Array.prototype.push.call(seen, req.path);",
    ),
    "alias of a module value": (
        "const store = new Map<string, string>();\nconst alias = store;",
        'alias.set("k", req.path);',
    ),
    "written through a parameter": (
        "const items: string[] = [];\n"
        "function add(list: string[], v: string) { list.push(v); }",
        "add(items, req.path);",
    ),
    "global object": ("", "(globalThis as any).last = req.path;"),
    "held in a container": (
        "const shared: string[] = [];\nconst holder = { list: shared };",
        "holder.list.push(req.path);",
    ),
}

READS_ONLY = {
    "reads of module values": (
        'const table = { a: 1, b: 2 };\nconst names = ["x", "y"];',
        "return Response.json({ a: table.a, first: names[0], n: names.length });",
    ),
    "locals written freely": (
        "",
        "const seen = new Set<string>(); seen.add(req.path);\n"
        "const list = [1]; list.push(2);\n"
        "return Response.json({ n: seen.size + list.length });",
    ),
    "a copy written": (
        "const base = [1, 2];",
        "const mine = [...base]; mine.push(3); return Response.json(mine);",
    ),
}


def _state_isolated(
    write_project: WriteProject, name: str, prelude: str, body: str
) -> bool | None:
    text = (
        f"{prelude}\n"
        "export function handler(req: Request): Response {\n"
        f"  {body}\n"
        "  return Response.json({});\n"
        "}\n"
    )
    folder = write_project({name: text})
    return program.load(folder / name).contract.properties["stateIsolated"]


@pytest.mark.parametrize(("prelude", "body"), SHARED_WRITES.values(), ids=SHARED_WRITES)
def test_a_write_to_shared_state_is_never_proven_isolated(
    write_project: WriteProject, prelude: str, body: str
) -> None:
    assert _state_isolated(write_project, "handler.ts", prelude, body) is False


@pytest.mark.parametrize(("prelude", "body"), READS_ONLY.values(), ids=READS_ONLY)
def test_reading_or_copying_shared_values_stays_isolated(
    write_project: WriteProject, prelude: str, body: str
) -> None:
    assert _state_isolated(write_project, "handler.ts", prelude, body) is True


COMPONENTS = {
    "a prop the component writes": (
        "const items: string[] = [];\n"
        "function List(p: { items: string[] }) { p.items.push('x'); return <ul />; }",
        "<List items={items} />",
        False,
    ),
    "children the component writes": (
        "const items: string[] = [];\n"
        "function Wrap(p: { children: string[] }) { p.children.pop(); return <ul />; }",
        "<div><Wrap>{items}</Wrap></div>",
        False,
    ),
    "a prop the component only reads": (
        "const items = ['a', 'b'];\n"
        "function List(p: { items: string[] }) {\n"
        "  return <ul>{p.items.map((i) => <li>{i}</li>)}</ul>;\n}",
        "<div><List items={items} /></div>",
        True,
    ),
    "a prop given to an HTML element": (
        "const label = { text: 'hi' };",
        "<p title={label.text}>{label.text}</p>",
        True,
    ),
}


@pytest.mark.parametrize(
    ("prelude", "element", "isolated"), COMPONENTS.values(), ids=COMPONENTS
)
def test_module_values_given_to_components_are_followed_into_their_props(
    write_project: WriteProject, prelude: str, element: str, isolated: bool
) -> None:
    body = f"return Response.html(renderToString({element}));"

    assert _state_isolated(write_project, "handler.tsx", prelude, body) is isolated


def test_a_component_rendered_as_a_tag_is_a_call_not_an_escape(
    write_project: WriteProject,
) -> None:
    prelude = "function Card(p: { t: string }) { return <b>{p.t}</b>; }"
    body = "return Response.html(renderToString(<Card t={req.path} />));"

    assert _state_isolated(write_project, "handler.tsx", prelude, body) is True
