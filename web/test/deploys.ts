// Helpers for deploy tests: build contexts as tars, uploads, waiting for a deployment to finish,
// requests through the proxy (Caddy on 127.0.0.1 with the app's Host header) and bounded loops.
import { execFileSync } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROUTES, routePath } from "@berth/core";
import { type Auth, call, fakeIp } from "./api.ts";
import { stack } from "./config.ts";

/** `docker` CLI arguments for the engine of a host id (`<id>-2` is this machine's second local host). */
export const dockerFor = (hostId: string): string[] => ["-H", `unix://${hostId.endsWith("-2") ? stack.docker2Socket : stack.dockerSocket}`];
/** Where a host publishes its containers' ports: the second local host on its own address, this machine's host on 127.0.0.1. */
export const publishAddressOf = (hostId: string): string => (hostId.endsWith("-2") ? stack.host2Address : "127.0.0.1");
/** `docker inspect` of a container on a host. */
export const dockerInspect = (hostId: string, name: string) => JSON.parse(execFileSync("docker", [...dockerFor(hostId), "inspect", name]).toString())[0];

export const appHost = (app: string, team: string) => `${app}-${team}.${stack.domain}`;

/** A tar of `dir` (an example app), with files overridden or added by `files`. */
export function tarOf(dir: string, files: Record<string, string> = {}): Buffer {
  const tmp = mkdtempSync(join(tmpdir(), "berth-ctx-"));
  try {
    cpSync(dir, tmp, { recursive: true });
    for (const [name, content] of Object.entries(files)) writeFileSync(join(tmp, name), content);
    return execFileSync("tar", ["-C", tmp, "-c", "."], { maxBuffer: 256 * 1024 * 1024 });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely
export async function uploadBuild(auth: Auth, team: string, app: string, tar: Buffer): Promise<{ status: number; body: any }> {
  const url = stack.webUrl + routePath(ROUTES.uploadBuild.path, { team, app });
  const headers: Record<string, string> = { "content-type": "application/x-tar", "x-forwarded-for": auth.ip ?? fakeIp() };
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  const res = await fetch(url, { method: "POST", headers, body: new Uint8Array(tar) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const FINISHED = ["live", "failed", "cancelled", "superseded", "replaced"];

/** Polls a deployment until it finishes (bounded); returns its final view. */
// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely
export async function waitForDeployment(auth: Auth, team: string, app: string, id: string, timeoutMs = 180_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await call("getDeployment", { ...auth, params: { team, app, id } });
    if (r.status !== 200) throw new Error(`getDeployment: ${r.status} ${JSON.stringify(r.body)}`);
    if (FINISHED.includes(r.body.status)) return r.body;
    if (Date.now() > until) throw new Error(`deployment ${id} still ${r.body.status} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

/** The deployment's whole log, as text lines. */
export async function deploymentLog(auth: Auth, team: string, app: string, id: string): Promise<string[]> {
  const r = await call("getDeploymentLog", { ...auth, params: { team, app, id }, query: { limit: "5000" } });
  if (r.status !== 200) throw new Error(`getDeploymentLog: ${r.status} ${JSON.stringify(r.body)}`);
  return (r.body.lines as { text: string }[]).map((l) => l.text);
}

/** Follows a deployment through the API's NDJSON stream until its outcome record: the lines streamed, and the outcome. */
export async function followDeployment(
  auth: Auth,
  team: string,
  app: string,
  id: string,
  opts: { after?: string; timeoutMs?: number } = {},
): Promise<{ lines: { id: string; text: string }[]; end: unknown; status: number }> {
  const url = new URL(stack.webUrl + routePath(ROUTES.followDeployment.path, { team, app, id }));
  if (opts.after) url.searchParams.set("after", opts.after);
  const headers: Record<string, string> = { "x-forwarded-for": auth.ip ?? fakeIp() };
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(opts.timeoutMs ?? 180_000) });
  const lines: { id: string; text: string }[] = [];
  let end: unknown = null;
  const text = await res.text();
  if (res.status !== 200) return { lines, end: JSON.parse(text), status: res.status };
  for (const record of text.split("\n").filter((l) => l.trim() !== "")) {
    const r = JSON.parse(record);
    if (end !== null) throw new Error(`a record after the outcome: ${record}`);
    if (r.line) lines.push({ id: r.line.id, text: r.line.text });
    else end = r.end;
  }
  return { lines, end, status: res.status };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** GET through Caddy on 127.0.0.1 with the given Host header. */
export function proxyGet(host: string, path = "/", opts: { agent?: http.Agent; timeoutMs?: number } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: stack.proxyPort, path, method: "GET", headers: { host }, agent: opts.agent ?? agent, timeout: opts.timeoutMs ?? 5_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

/** Waits (bounded) until `check` accepts what the app answers through the proxy. */
export async function waitForApp(
  host: string,
  check: (r: { status: number; body: string }) => boolean,
  timeoutMs = 10_000,
  path = "/",
): Promise<{ status: number; body: string }> {
  const until = Date.now() + timeoutMs;
  let last: { status: number; body: string } | Error = new Error("no answer");
  while (Date.now() < until) {
    try {
      last = await proxyGet(host, path);
      if (check(last)) return last;
    } catch (err) {
      last = err as Error;
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`${host}${path} never answered as expected; last: ${last instanceof Error ? last.message : `${last.status} ${last.body.slice(0, 200)}`}`);
}

export type LoopResult = { total: number; failed: number; failures: string[]; bodies: Map<string, number> };

/**
 * Sends requests through the proxy from `clients` keep-alive clients until `stop()` resolves or
 * `maxMs` passes (whichever first), at most `maxRequests` in all. Every non-200 or error counts.
 */
export async function requestLoop(
  host: string,
  opts: { clients?: number; maxMs: number; maxRequests?: number; path?: string; until: Promise<unknown> },
): Promise<LoopResult> {
  const result: LoopResult = { total: 0, failed: 0, failures: [], bodies: new Map() };
  let done = false;
  void opts.until.finally(() => {
    done = true;
  });
  const deadline = Date.now() + opts.maxMs;
  const max = opts.maxRequests ?? 200_000;
  const client = async () => {
    const a = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      while (!done && Date.now() < deadline && result.total < max) {
        result.total++;
        try {
          const r = await proxyGet(host, opts.path ?? "/", { agent: a });
          if (r.status !== 200) {
            result.failed++;
            if (result.failures.length < 10) result.failures.push(`HTTP ${r.status}: ${r.body.slice(0, 120)}`);
          } else {
            result.bodies.set(r.body, (result.bodies.get(r.body) ?? 0) + 1);
          }
        } catch (err) {
          result.failed++;
          if (result.failures.length < 10) result.failures.push((err as Error).message);
        }
      }
    } finally {
      a.destroy();
    }
  };
  await Promise.all(Array.from({ length: opts.clients ?? 4 }, client));
  return result;
}

/** Sends a repository webhook delivery as GitHub does (`x-github-event`); `secret` signs the body. */
// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely
export async function deliverRepoWebhook(appId: string, event: string, payload: unknown, secret: string): Promise<{ status: number; body: any }> {
  const body = JSON.stringify(payload);
  const res = await fetch(stack.webUrl + routePath(ROUTES.repoWebhook.path, { appId }), {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-forwarded-for": fakeIp(),
      "x-github-event": event,
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
