const pages = new Map<string, string>([["/a", "A"]]);

export function handler(req: Request): Response {
  const path = req.path;
  if (["/x", "/y"].includes(path)) return Response.text("listed");
  if (path.toLowerCase() === "/shout") return Response.text("lower");
  return Response.text(pages.get(path) ?? "none");
}
