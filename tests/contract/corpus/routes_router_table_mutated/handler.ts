import { routerMatch } from "zigttp:router";

const routes: Record<string, () => Response> = { "GET /a": () => Response.text("a") };
routes["GET /" + "b"] = () => Response.text("b");

export function handler(req: Request): Response {
  const found = routerMatch(routes, req);
  const other = routerMatch({ "GET /a": 1 }, req);
  return found ? found.handler() : Response.text("none", { status: other ? 200 : 404 });
}
