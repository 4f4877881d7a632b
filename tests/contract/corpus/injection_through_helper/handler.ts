function page(title: string, body: string): string {
  return `<html><title>${title}</title><body>${body}</body></html>`;
}

function greet(req: Request): Response {
  return Response.html(page("Greeting", req.body ?? ""));
}

export function handler(req: Request): Response {
  return greet(req);
}
