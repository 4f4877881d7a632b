import { env } from "zigttp:env";
import { fetch } from "zigttp:fetch";
import { cacheGet } from "zigttp:cache";

const routes = ["/", "/status"];

export function handler(req) {
  if (req.path === "/status") {
    return Response.json({ cached: cacheGet("status", "last"), region: env("REGION") });
  }
  fetch("https://upstream.example.com/ping");
  return Response.html(renderToString(<main class="home">home</main>));
}
