import { env as readEnv } from "zigttp:env";

function env(name: string): string {
  return name.toUpperCase();
}

export function handler(req: Request): Response {
  return Response.json({ secret: readEnv("SECRET"), local: env("NOT_AN_ENV_VAR") });
}
