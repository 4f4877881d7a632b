import { env } from "zigttp:env";
import { fetch } from "zigttp:fetch";

const SCHEME = "https://";
const HOST = "eu.api" + ".example.com";

export function handler(req: Request): Response {
  const region = env("REGION");
  fetch(SCHEME + HOST + "/v1");
  fetch(`https://static.example.com/assets/${req.path}`);
  fetch("https://" + region + ".example.com/");
  fetch(`https://api.example.com${req.path}`);
  return Response.text("ok");
}
