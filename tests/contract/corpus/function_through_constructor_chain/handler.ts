export function handler(req: Request): Response {
  const make = (() => {}).constructor;
  const kind = req.constructor.name;
  return Response.json({ kind, value: make("return 1")() });
}
