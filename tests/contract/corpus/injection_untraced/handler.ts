import { render } from "./render.ts";

export function handler(req: Request): Response {
  return Response.html(render(req.query.q));
}
