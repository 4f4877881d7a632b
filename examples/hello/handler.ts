// A typed handler with two JSON routes and one environment variable.
import { env } from "zigttp:env";

interface Greeting {
  message: string;
  greeted: string;
}

function greeting(name: string): Greeting {
  return { message: `Hello, ${name}!`, greeted: name };
}

export default function handler(request: Request): Response {
  if (request.path === "/health") {
    return Response.json({ status: "ok" });
  }

  if (request.path === "/") {
    const name: string = env("GREETING_NAME") ?? "world";
    return Response.json(greeting(name));
  }

  return Response.json({ error: "not found", path: request.path }, { status: 404 });
}
