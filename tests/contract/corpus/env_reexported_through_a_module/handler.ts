import { read } from "./platform.ts";

export function handler(req: Request): Response {
  return Response.json({ key: read("THROUGH_REEXPORT") });
}
