function tick() {}
const later = () => 1;

export function handler(req) {
  setTimeout(tick, 10);
  setTimeout(later, 10);
  setTimeout(() => 1, 10);
  setTimeout("globalThis.leak = 1", 10);
  return Response.text("ok");
}
