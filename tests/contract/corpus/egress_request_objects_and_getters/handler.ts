import { fetch } from "zigttp:fetch";

export function handler(req: Request): Response {
  fetch(new Request("https://api.example.com/a", { method: "POST" }));
  fetch("https://api.example.com/b", {
    get method() {
      return "DELETE";
    },
  });
  return Response.text("ok");
}
