import { env } from "zigttp:env";

let prefix = "APP_";

export function handler(req: Request): Response {
  const suffix = req.query.name;
  return Response.json({
    a: env(prefix + "KEY"),
    b: env("SERVICE_" + suffix),
    c: env(`X_${suffix}`),
  });
}
