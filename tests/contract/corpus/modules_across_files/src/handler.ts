import { databaseUrl } from "../lib/config.ts";
import { loadSession } from "../lib/session";
import type { Session } from "../lib/session";

export function handler(req: Request): Response {
  if (req.method === "GET" && req.path === "/me") {
    const session: Session = loadSession(req.headers.get("cookie") ?? "");
    return Response.json({ session, db: databaseUrl });
  }
  return Response.text("Not Found", { status: 404 });
}
