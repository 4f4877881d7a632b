import { cacheGet } from "zigttp:cache";

export interface Session { id: string }

export function loadSession(cookie: string): Session {
  return { id: cacheGet("sessions", cookie) ?? "anonymous" };
}
