export function handler(req: Request): Response {
  const run = new Function("return 1");
  return Response.json({ value: run() });
}
