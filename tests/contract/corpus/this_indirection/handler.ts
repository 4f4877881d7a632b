import { env } from "zigttp:env";

class Config {
  read(): string | undefined {
    return (this as any).env("THROUGH_THIS");
  }
}

export function handler(req: Request): Response {
  return Response.json({ direct: env("DIRECT"), other: new Config().read() });
}
