import { env } from "zigttp:env";

const tools = { env };

export function handler(req: Request): Response {
  return Response.json({ a: tools.env("THROUGH_OBJECT"), b: env.call(null, "THROUGH_CALL") });
}
