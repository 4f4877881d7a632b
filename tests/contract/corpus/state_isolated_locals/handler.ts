const GREETING = "hello";
const LIMITS = { max: 10 };

export function handler(req: Request): Response {
  let count = 0;
  const seen = new Map<string, number>();
  seen.set(req.path, ++count);
  const copy = { ...LIMITS };
  copy.max = 5;
  return Response.json({ greeting: GREETING, count, max: LIMITS.max, copy });
}
