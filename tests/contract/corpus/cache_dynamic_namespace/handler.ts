import { cacheGet } from "zigttp:cache";

export function handler(req: Request): Response {
  const tenant = req.headers.get("x-tenant");
  return Response.json({ a: cacheGet("fixed", "k"), b: cacheGet(`tenant:${tenant}`, "k") });
}
