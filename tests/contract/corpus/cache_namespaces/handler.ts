import { cacheGet, cacheSet, cacheIncr, cacheDelete } from "zigttp:cache";

const USERS = "users";

export function handler(req: Request): Response {
  const user = cacheGet(USERS, "u1");
  cacheSet("sessions", "s1", "v", 60);
  cacheIncr("counters", "hits", 1, 60);
  cacheDelete(`sessions`, "old");
  return Response.json({ user });
}
