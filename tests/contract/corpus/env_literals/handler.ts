import { env } from "zigttp:env";

const DB = "DATABASE_URL";
const DB_ALIAS = DB;

export function handler(req: Request): Response {
  const region = "REGION";
  return Response.json({
    key: env("API_KEY"),
    db: env(DB_ALIAS),
    region: env(region),
    template: env(`TEMPLATE_NAME`),
    again: env('API_KEY'),
  });
}
