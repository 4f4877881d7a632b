import { cacheGet, cacheStats } from "zigttp:cache";

export function handler(req: Request): Response {
  return Response.json({ item: cacheGet("catalog", "item-1"), stats: cacheStats() });
}
