import { uuid } from "zigttp:id";

export function handler(req: Request): Response {
  return Response.json({ id: uuid() });
}
