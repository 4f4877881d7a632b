import { jwtVerify, parseBearer } from "zigttp:auth";

// jwtVerify checks exp and nbf against the clock: the same token is accepted
// now and refused later, so the handler is not deterministic.
export function handler(req: Request): Response {
  const token = parseBearer(req.headers.get("authorization") ?? "") ?? "";
  const result = jwtVerify(token, "not-a-real-secret");
  return Response.json({ ok: result.ok });
}
