import { routerMatch } from "zigttp:router";

function home(req: Request) { return Response.text("home"); }
function user(req: Request) { return Response.json({ id: req.params.id }); }
function echo(req: Request) { return Response.text(req.body ?? ""); }

const routes = {
  "GET /": home,
  "GET /users/:id": user,
  "delete /users/:id": user,
  "POST /echo": echo,
  "GET /static/*": home,
  "not-a-route": home,
};

export function handler(req: Request): Response {
  const found = routerMatch(routes, req);
  return found ? found.handler(req) : Response.text("Not Found", { status: 404 });
}
