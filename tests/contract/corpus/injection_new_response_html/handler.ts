export function handler(req: Request): Response {
  return new Response("<p>" + req.query.q + "</p>", {
    status: 200,
    headers: { "Content-Type": "text/html; charset=utf-8" },
  });
}
