import { fetch } from "zigttp:fetch";

const PAYMENTS = "https://Payments.Example.ORG:443/v2/charge";

export function handler(req: Request): Response {
  fetch("https://API.example.com/users");
  fetch("http://localhost:8080/health");
  fetch(PAYMENTS);
  fetch(`http://[::1]:9000/`);
  fetch("https://api.example.com:443/again", { method: "HEAD" });
  return Response.text("ok");
}
