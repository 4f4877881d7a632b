export async function handler(req: Request): Promise<Response> {
  const lib = await import("./lib.ts");
  return Response.json({ value: lib.value });
}
