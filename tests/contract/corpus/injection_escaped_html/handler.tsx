import { escapeHtml } from "zigttp:text";

export function handler(req: Request): Response {
  const name = req.query.name ?? "world";
  const items = (req.query.items ?? "").split(",");
  const list = items.map((item: string) => `<li>${escapeHtml(item)}</li>`).join("");
  if (req.path === "/page") {
    return Response.html(renderToString(<p class="greeting">Hello {name}</p>));
  }
  return Response.html(`<h1>Hello ${escapeHtml(name)}</h1><ul>${list}</ul>`);
}
