import { env } from "zigttp:env";

export function handler(req: Request): Response {
  let caught = "";
  try {
    throw new Error("x");
  } catch (env) {
    caught = String(env);
  }
  return Response.json({
    a: env?.("OPTIONAL_CALL"),
    b: (env)("PARENTHESIZED"),
    c: (0, env)("SEQUENCE"),
    caught,
  });
}
