// One health-check attempt against <host address>:<port> (where the container is published), with a
// precise reason when it fails.
// docker-proxy accepts every connection on a published port and closes it at once when nothing
// listens inside the container, so "connected" alone proves nothing: an HTTP check needs an
// answer, a TCP check needs the connection to stay open for a moment.
import { request } from "node:http";
import { connect } from "node:net";

export type Outcome = { ok: boolean; detail: string };

/** How long a TCP connection must survive to count as accepted by the app, not the proxy. */
const TCP_SETTLE_MS = 250;

function failure(err: NodeJS.ErrnoException, host: string, port: number): string {
  switch (err.code) {
    case "ECONNREFUSED":
      return `connection refused on ${host}:${port}`;
    case "ECONNRESET":
    case "EPIPE":
      return `connection closed on ${host}:${port} before an answer (nothing listening in the container?)`;
    default:
      return `${err.code ?? "error"} on ${host}:${port}: ${err.message}`;
  }
}

export function probeHttp(host: string, port: number, path: string, timeoutS: number): Promise<Outcome> {
  const target = path.startsWith("/") ? path : `/${path}`;
  return new Promise((resolve) => {
    // agent: false: one fresh connection per attempt, closed afterwards; redirects are not followed.
    const req = request({ host, port, path: target, method: "GET", agent: false, headers: { "user-agent": "berth-health-check" } }, (res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      req.destroy();
      resolve({ ok: status > 0 && status < 400, detail: `GET ${target} answered ${status}` });
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ ok: false, detail: `timed out after ${timeoutS} s` });
    }, timeoutS * 1000);
    req.on("error", (err) => resolve({ ok: false, detail: failure(err, host, port) }));
    req.on("close", () => clearTimeout(timer));
    req.end();
  });
}

export function probeTcp(host: string, port: number, timeoutS: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let settled = false;
    const done = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done({ ok: false, detail: `timed out after ${timeoutS} s` }), timeoutS * 1000);
    socket.on("error", (err) => done({ ok: false, detail: failure(err, host, port) }));
    socket.on("end", () => done({ ok: false, detail: `connection closed on ${host}:${port} (nothing listening in the container?)` }));
    socket.on("connect", () => {
      const settle = Math.min(TCP_SETTLE_MS, timeoutS * 1000);
      setTimeout(() => done({ ok: true, detail: `connected to ${host}:${port}` }), settle);
    });
  });
}
