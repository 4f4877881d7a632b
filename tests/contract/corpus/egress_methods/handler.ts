import { fetch } from "zigttp:fetch";

const API = "https://api.example.com";

export function handler(req: Request): Response {
  fetch(`${API}/read`);
  fetch(`${API}/head`, { method: "head" });
  fetch(`${API}/write`, { method: "POST", body: "x" });
  const options = makeOptions();
  fetch(`${API}/unknown`, options);
  return Response.text("done");
}

function makeOptions(): object {
  return { method: "DELETE" };
}
