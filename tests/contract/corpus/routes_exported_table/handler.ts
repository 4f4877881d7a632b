import { routerMatch } from "zigttp:router";

export const routes = { "GET /": () => Response.text("home") };

export function handler(req: Request): Response {
  const found = routerMatch(routes, req);
  return found ? found.handler() : Response.text("Not Found", { status: 404 });
}
