// A recording HTTP or HTTPS listener, run inside a stand-in namespace (berth-tn-internet, berth-tn-lan,
// berth-tn-meta): it answers every request with a fixed status and body and prints each request as a
// JSON line ({"request":{method, path, headers, body, remoteAddress, remotePort, tls, at}}).
//   listener.ts --port 80 [--cert FILE --key FILE] [--status 200] [--body TEXT] [--location URL] [--owner DIR]
// With --location it answers with that Location header (and status 302 unless --status says otherwise).
// Prints {"ready":{"port"}} once listening; exits when its stdin ends.
import { readFileSync } from "node:fs";
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttps } from "node:https";
import { pathToFileURL } from "node:url";
import { emit, serveJsonLines } from "./jsonl-child.ts";

export type RecordedRequest = {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body as UTF-8 text (bodies beyond 1 MiB are cut). */
  body: string;
  remoteAddress: string;
  remotePort: number;
  tls: boolean;
  at: string;
};

const MAX_BODY = 1024 * 1024;

function main(argv: string[]): void {
  const opt = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const port = Number(opt("--port") ?? "80");
  const location = opt("--location");
  const status = Number(opt("--status") ?? (location ? "302" : "200"));
  const body = opt("--body") ?? "berth-testnet\n";
  const cert = opt("--cert");
  const key = opt("--key");
  const tls = cert !== undefined && key !== undefined;

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      if (size < MAX_BODY) chunks.push(c);
      size += c.length;
    });
    req.on("end", () => {
      const request: RecordedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString("utf8"),
        remoteAddress: req.socket.remoteAddress ?? "",
        remotePort: req.socket.remotePort ?? 0,
        tls,
        at: new Date().toISOString(),
      };
      emit({ request });
      res.writeHead(status, { "content-type": "text/plain", connection: "close", ...(location ? { location } : {}) });
      res.end(body);
    });
  };
  const server = tls ? createHttps({ cert: readFileSync(cert), key: readFileSync(key) }, handler) : createHttp(handler);
  server.on("error", (err) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  });
  server.listen(port, "0.0.0.0", () => {
    emit({ ready: { port } });
    serveJsonLines(
      () => ({ ok: true }),
      () => process.exit(0),
    );
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
