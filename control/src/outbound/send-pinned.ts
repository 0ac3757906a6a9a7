// One HTTP(S) request to a destination the policy checked (check-destination.ts), connected to the
// checked address whatever the name resolves to now (the socket is opened to the address itself),
// while Host, SNI and the certificate check still use the name. Redirects are never followed (the
// caller sees the 3xx); the response body is read up to a limit and the time is bounded — or, for
// a 200 answer to a caller that gives a `sink` (a registry layer), streamed to it with only an idle
// bound, since a large body takes as long as it takes.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import { ipFamily } from "@berth/core/outbound-allow";
import type { Destination } from "./check-destination.ts";

export type PinnedRequest = {
  method: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
  /** Response bytes kept (the rest is discarded); default 64 KiB. */
  maxBodyBytes?: number;
  signal?: AbortSignal;
  /**
   * Takes a 200 answer's body as a stream (the returned body is then empty); it must consume it.
   * `timeoutMs` then bounds the wait for the answer and each silence in the body, not the whole body.
   */
  sink?: (body: IncomingMessage) => Promise<void>;
};

export type PinnedResponse = { status: number; headers: IncomingHttpHeaders; body: Buffer; truncated: boolean };

export function sendPinned(dest: Destination, req: PinnedRequest): Promise<PinnedResponse> {
  const { url } = dest;
  const maxBody = req.maxBodyBytes ?? 64 * 1024;
  const isName = ipFamily(dest.host) === 0;
  const options: RequestOptions & { servername?: string } = {
    protocol: url.protocol,
    host: dest.address,
    port: dest.port,
    path: `${url.pathname}${url.search}`,
    method: req.method,
    headers: { ...req.headers, host: url.host },
    agent: false,
    signal: req.signal,
    ...(url.username ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` } : {}),
    ...(url.protocol === "https:" && isName ? { servername: dest.host } : {}),
  };
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const r = send(options, (res) => {
      if (req.sink && res.statusCode === 200) {
        clearTimeout(timer);
        res.setTimeout(req.timeoutMs, () => res.destroy(new Error(`the answer stalled for ${req.timeoutMs / 1000} s`)));
        req.sink(res).then(() => resolve({ status: 200, headers: res.headers, body: Buffer.alloc(0), truncated: false }), fail);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      res.on("data", (c: Buffer) => {
        if (size < maxBody) chunks.push(c.subarray(0, maxBody - size));
        else truncated = true;
        size += c.length;
      });
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), truncated });
      });
      res.on("error", fail);
    });
    const timer = setTimeout(() => r.destroy(new Error(`no answer within ${req.timeoutMs / 1000} s`)), req.timeoutMs);
    function fail(err: Error) {
      clearTimeout(timer);
      reject(err);
    }
    r.on("error", fail);
    r.end(req.body);
  });
}
