export function handler(req: Request): Response {
  const epoch = new Date(0).toISOString();
  const parsed = Date.parse("2024-01-01");
  return Response.json({
    now: Date.now(),
    today: new Date().toISOString(),
    roll: Math.random(),
    epoch,
    parsed,
    floor: Math.floor(1.5),
  });
}
