import { routerMatch } from "zigttp:router";

export function handler(req: Request): Response {
  const found = routerMatch(
    [
      { method: "GET", path: "/health", handler: () => Response.text("ok") },
      { method: "PUT", pattern: "/items/:id", handler: () => Response.text("put") },
    ],
    req,
  );
  return found ? found.handler(req) : Response.text("Not Found", { status: 404 });
}
