import { env } from "zigttp:env";

export function handler(req: Request): Response {
  const visible = env("VISIBLE");
  return Response.json({ visible, hidden: eval("env('HIDDEN')") });
}
