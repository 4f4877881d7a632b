import type { Spec } from "zigttp:types";
import { type Effects } from "zttp:types";
import { env } from "zigttp:env";

interface Reply { ok: boolean }

export function handler(req: Request): Response {
  const reply: Reply = { ok: true };
  return Response.json(reply satisfies Reply);
}
