export default function handler({ path, method }) {
  if (method === "GET" && path === "/") {
    return Response.text("root");
  }
  return Response.text("Not Found", { status: 404 });
}
