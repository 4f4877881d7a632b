import { env } from "zigttp:env";

const NAME = "OUTER_NAME";

export function handler(req: Request): Response {
  const outer = env(NAME);
  {
    const NAME = "INNER_NAME";
    return Response.json({ outer, inner: env(NAME) });
  }
}
