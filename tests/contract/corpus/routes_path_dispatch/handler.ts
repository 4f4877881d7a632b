export function handler(req: Request): Response {
  const { path, method } = req;
  const url = new URL(req.url, "http://localhost");

  if (path === "/health") return Response.text("ok");
  if (req.method === "GET" && req.path === "/users") return Response.json([]);
  if (method === "POST") {
    if (url.pathname === "/users") return Response.json({}, { status: 201 });
  }
  if ((method === "GET" || method === "HEAD") && path.startsWith("/api/")) {
    return Response.json({ api: true });
  }
  switch (path) {
    case "/about":
      return Response.text("about");
    case "/contact":
      return Response.text("contact");
  }
  switch (req.method) {
    case "DELETE":
      if (path === "/session") return Response.text("bye");
      break;
    case "PATCH":
      return path == "/profile" ? Response.text("patched") : Response.text("no");
  }
  return Response.text("Not Found", { status: 404 });
}
