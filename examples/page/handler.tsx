// A server-rendered page: TSX components compiled to h() calls and rendered to HTML.
type Item = { name: string; done: boolean };

const items: Item[] = [
  { name: "Write a handler", done: true },
  { name: "zigttp build", done: true },
  { name: "zigttp deploy", done: false },
];

function Checklist(props: { items: Item[] }) {
  return (
    <ul class="checklist">
      {props.items.map((item) => (
        <li class={item.done ? "done" : "todo"}>{item.name}</li>
      ))}
    </ul>
  );
}

function Page(props: { title: string; children?: unknown }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>{props.title}</title>
      </head>
      <body>
        <h1>{props.title}</h1>
        {props.children}
      </body>
    </html>
  );
}

export function handler(request: Request): Response {
  const visitor = request.query.name ?? "visitor";
  const page = (
    <Page title="Shipping checklist">
      <p>Hello, {visitor} &amp; welcome.</p>
      <Checklist items={items} />
    </Page>
  );
  return Response.html("<!doctype html>" + renderToString(page));
}
