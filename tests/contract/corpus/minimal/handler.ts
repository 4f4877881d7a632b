export default function handler(req: Request): Response {
  return Response.json({ hello: "world" });
}
