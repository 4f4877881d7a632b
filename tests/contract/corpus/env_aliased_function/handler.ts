import { env } from "zigttp:env";

const read = env;

export function handler(req: Request): Response {
  return Response.json({ visible: env("VISIBLE"), hidden: read("HIDDEN") });
}
