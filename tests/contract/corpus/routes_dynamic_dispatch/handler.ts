const pages: Record<string, string> = { "/a": "A", "/b": "B" };

export function handler(req: Request): Response {
  const path = req.path;
  if (path === "/exact") return Response.text("exact");
  if (/^\/items\/\d+$/.test(path)) return Response.text("item");
  if (path.endsWith(".json")) return Response.json({});
  const page = pages[path];
  return page ? Response.text(page) : Response.text("Not Found", { status: 404 });
}
