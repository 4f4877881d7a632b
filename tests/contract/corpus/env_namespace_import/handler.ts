import * as platform from "zigttp:env";

export function handler(req: Request): Response {
  return Response.json({
    a: platform.env("DOTTED"),
    b: platform["env"]("BRACKETED"),
    c: typeof platform.env,
  });
}
