import { cacheSet } from "zigttp:cache";

function apply(write: Function) {
  return write("hidden", "k", "v", 1);
}

export function handler(req: Request): Response {
  return Response.json({ ok: apply(cacheSet) });
}
