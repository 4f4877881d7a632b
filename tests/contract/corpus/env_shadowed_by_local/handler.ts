import { env } from "zigttp:env";

const real = env("REAL_ONE");

export function handler(req: Request): Response {
  const env = (name: string) => `fake:${name}`;
  return Response.json({ real, fake: env("FAKE_ONE"), other: inner() });
}

function inner() {
  function env(n: string) { return n; }
  return env("ALSO_FAKE");
}
