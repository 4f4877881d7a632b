export function handler(req: Request): Response {
  return fetch("https://api.example.com/");
}
