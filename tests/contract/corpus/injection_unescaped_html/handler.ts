export function handler(req: Request): Response {
  const name = req.query.name;
  return Response.html("<h1>Hello " + name + "</h1>");
}
