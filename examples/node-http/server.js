// A tiny HTTP app for Berth: JSON on /, a health check on /healthz, graceful stop on SIGTERM.
import http from "node:http";

const port = Number(process.env.PORT ?? 8080);
const info = JSON.stringify({ app: "node-http", version: process.env.APP_VERSION ?? "1" });

const server = http.createServer((req, res) => {
  const { pathname } = new URL(req.url ?? "/", "http://localhost");
  if (pathname === "/healthz") return send(res, 200, "text/plain", "ok");
  if (pathname === "/") return send(res, 200, "application/json", info);
  return send(res, 404, "application/json", JSON.stringify({ error: "not found" }));
});

function send(res, status, type, body) {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

// As PID 1 in a container, Node gets no default SIGTERM handling: without this, `docker stop`
// waits its whole timeout and then kills the process.
function shutdown(signal) {
  process.stdout.write(`${signal}: closing the server\n`);
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  // Requests still running after this are cut off rather than holding the stop forever.
  setTimeout(() => process.exit(1), 8000).unref();
}
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);

server.listen(port, () => process.stdout.write(`node-http listening on :${port}\n`));
