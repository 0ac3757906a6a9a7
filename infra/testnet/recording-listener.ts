// Starts listener.ts inside a stand-in namespace and keeps what it records for the test.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { METADATA_ADDRESS, type StandIn } from "./constants.ts";
import { nodeScript, startJsonLinesChild } from "./jsonl-child.ts";
import type { RecordedRequest } from "./listener.ts";
import { netnsPath } from "./netns.ts";
import { mustRun, waitFor } from "./processes.ts";

export type ListenerOptions = {
  tls?: boolean;
  /** Default 80, or 443 with tls. */
  port?: number;
  status?: number;
  body?: string;
  /** Answer every request with a redirect here (status 302 unless `status` is given). */
  redirect?: string;
};

export type RecordingListener = {
  where: StandIn;
  /** The stand-in's address on the test subnet (for meta, also reachable at 169.254.169.254 from namespace hosts). */
  ip: string;
  port: number;
  /** http(s)://ip:port/ (for meta: the metadata address, which only namespace hosts route). */
  url: string;
  /** PEM of the self-signed certificate (tls only): a client's CA. */
  certificate: string | undefined;
  certificateFile: string | undefined;
  /** Every request recorded so far, in order of arrival. */
  requests(): RecordedRequest[];
  /** Waits (bounded) for a recorded request that matches. */
  waitForRequest(match: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  stop(): Promise<void>;
};

export async function startRecordingListener(opts: {
  dir: string;
  where: StandIn;
  namespace: string;
  ip: string;
  options: ListenerOptions;
}): Promise<RecordingListener> {
  const { dir, where, ip } = opts;
  const tls = opts.options.tls ?? false;
  const port = opts.options.port ?? (tls ? 443 : 80);
  const id = `${where}-${port}`;
  const args = ["--port", String(port), "--owner", dir];
  if (opts.options.status !== undefined) args.push("--status", String(opts.options.status));
  if (opts.options.body !== undefined) args.push("--body", opts.options.body);
  if (opts.options.redirect !== undefined) args.push("--location", opts.options.redirect);
  let certificateFile: string | undefined;
  if (tls) {
    const key = join(dir, "certs", `${id}.key`);
    certificateFile = join(dir, "certs", `${id}.crt`);
    const sans = [`DNS:${where}.berth.test`, "DNS:*.berth.test", `IP:${ip}`, ...(where === "meta" ? [`IP:${METADATA_ADDRESS}`] : [])];
    await mustRun([
      "openssl",
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"],
      ...["-keyout", key, "-out", certificateFile, "-subj", `/CN=${where}.berth.test`, "-addext", `subjectAltName=${sans.join(",")}`],
    ]);
    args.push("--cert", certificateFile, "--key", key);
  }
  const recorded: RecordedRequest[] = [];
  const child = await startJsonLinesChild({
    argv: ["nsenter", `--net=${netnsPath(opts.namespace)}`, ...nodeScript("./listener.ts", args)],
    pidfile: join(dir, "pids", `listener-${id}.pid`),
    onEvent: (msg) => {
      if (msg.request) recorded.push(msg.request as RecordedRequest);
    },
  });
  const host = where === "meta" ? METADATA_ADDRESS : ip;
  const scheme = tls ? "https" : "http";
  return {
    where,
    ip,
    port,
    url: `${scheme}://${host}${port === (tls ? 443 : 80) ? "" : `:${port}`}/`,
    certificate: certificateFile ? await readFile(certificateFile, "utf8") : undefined,
    certificateFile,
    requests: () => recorded.map((r) => structuredClone(r)),
    waitForRequest: (match, timeoutMs = 5_000) =>
      waitFor(`a request to the ${where} listener`, timeoutMs, () => {
        const found = recorded.find(match);
        return found ? structuredClone(found) : undefined;
      }),
    stop: () => child.stop(),
  };
}
