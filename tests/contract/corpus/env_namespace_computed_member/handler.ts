import * as z from "zigttp:env";

export function handler(req: Request): Response {
  const fn = req.query.fn as string;
  const known = z.env("KNOWN");
  return Response.json({ known, other: (z as any)[fn]("HIDDEN") });
}
