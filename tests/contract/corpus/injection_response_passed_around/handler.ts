export function handler(req: Request): Response {
  const make = Response.html;
  return make(req.body ?? "");
}
