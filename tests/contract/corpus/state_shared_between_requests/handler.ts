let count = 0;
const seen = new Map<string, number>();
const config = { mode: "a" };
const log: string[] = [];

export function handler(req: Request): Response {
  count++;
  seen.set(req.path, count);
  config.mode = "b";
  log.push(req.path);
  return Response.json({ count });
}
