// From "deploy" to the new version answering through the proxy, for examples/node-http, next
// to raw `docker build` + `docker run` of the same context in the same run. Each round changes
// one line (the version the app prints) so neither side can serve a stale answer; rounds
// alternate between Berth and raw so both see the same cache state. Bounded: ROUNDS rounds,
// each waiting at most 120 s. Everything it creates (team, app, containers, images) is removed.
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { domain, proxyPort, signInAdmin, webUrl } from "./admin.ts";
import { summary } from "./stats.ts";

const run = promisify(execFile);
const root = join(import.meta.dirname, "../..");
const example = join(root, "examples/node-http");
const ROUNDS = 5;
const WAIT_MS = 120_000;

function contextWith(version: string): { dir: string; tar: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), "berth-bench-"));
  cpSync(example, dir, { recursive: true });
  const server = readFileSync(join(dir, "server.js"), "utf8").replace('process.env.APP_VERSION ?? "1"', `process.env.APP_VERSION ?? "${version}"`);
  writeFileSync(join(dir, "server.js"), server);
  return { dir, tar: execFileSync("tar", ["-C", dir, "-c", "."], { maxBuffer: 64 * 1024 * 1024 }) };
}

/** GET / on 127.0.0.1:<port> with a Host header: the body of a 200, else null. Shared with the git push bench. */
export function get(port: number, host: string): Promise<string | null> {
  return new Promise((resolve) => {
    const req = http.request({ host: "127.0.0.1", port, path: "/", headers: { host }, timeout: 2_000, agent: false }, (res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => resolve(res.statusCode === 200 ? body : null));
    });
    req.on("error", () => resolve(null));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${WAIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const answers = (version: string) => (body: string | null) => body !== null && JSON.parse(body).version === version;

/** One API call as the signed-in admin. Shared with the git push bench. */
export async function api(cookie: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${webUrl}${path}`, {
    method,
    headers: { cookie, origin: webUrl, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {} };
}

async function berthDeploy(cookie: string, team: string, app: string, version: string): Promise<number> {
  const { dir, tar } = contextWith(version);
  try {
    const t0 = performance.now();
    const res = await fetch(`${webUrl}/api/v1/teams/${team}/apps/${app}/builds`, {
      method: "POST",
      headers: { cookie, origin: webUrl, "content-type": "application/x-tar" },
      body: new Uint8Array(tar),
    });
    if (res.status !== 201) throw new Error(`upload: HTTP ${res.status} ${await res.text()}`);
    const check = answers(version);
    await until(`berth v${version}`, async () => check(await get(proxyPort, `${app}-${team}.${domain}`)));
    return performance.now() - t0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Raw `docker build` + `docker run` of the same context until the version answers; shared with the git push bench. */
export async function rawDeploy(tag: string, version: string, containers: string[]): Promise<number> {
  const { dir } = contextWith(version);
  try {
    const t0 = performance.now();
    await run("docker", ["build", "-q", "-t", tag, dir]);
    const { stdout } = await run("docker", ["run", "-d", "--rm", "-p", "127.0.0.1::8080", tag]);
    const id = stdout.trim();
    containers.push(id);
    const port = Number((await run("docker", ["port", id, "8080/tcp"])).stdout.trim().split(":").pop());
    const check = answers(version);
    await until(`raw v${version}`, async () => check(await get(port, "localhost")));
    const ms = performance.now() - t0;
    // The old raw container goes once the new one answers (like Berth's switch).
    if (containers.length > 1) await run("docker", ["rm", "-f", ...containers.splice(0, containers.length - 1)]);
    return ms;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchDeploy(): Promise<void> {
  const { cookie } = await signInAdmin();
  const team = `bench-${randomBytes(3).toString("hex")}`;
  const app = "web";
  const rawTag = `berth-bench-raw:${team}`;
  const containers: string[] = [];
  const created = await api(cookie, "POST", "/api/v1/teams", { slug: team, name: "Deploy bench" });
  if (created.status !== 201) throw new Error(`create team: ${created.status} ${JSON.stringify(created.json)}`);
  try {
    const a = await api(cookie, "POST", `/api/v1/teams/${team}/apps`, {
      name: app,
      config: { healthCheck: { type: "http", path: "/healthz", timeoutS: 2, attempts: 100, intervalMs: 100 } },
    });
    if (a.status !== 201) throw new Error(`create app: ${a.status} ${JSON.stringify(a.json)}`);
    // A warm-up for both (first pull of the base image onto each engine, first cache fill).
    const warmBerth = await berthDeploy(cookie, team, app, "warm");
    const warmRaw = await rawDeploy(rawTag, "warm", containers);
    console.log(`  warm-up (not counted): berth ${(warmBerth / 1000).toFixed(2)} s, raw ${(warmRaw / 1000).toFixed(2)} s`);
    const berth: number[] = [];
    const raw: number[] = [];
    for (let i = 1; i <= ROUNDS; i++) {
      berth.push(await berthDeploy(cookie, team, app, `b${i}`));
      raw.push(await rawDeploy(rawTag, `r${i}`, containers));
    }
    const b = summary(berth);
    const r = summary(raw);
    const s = (n: number) => `${(n / 1000).toFixed(2)} s`;
    console.log(`  deploy of a one-line change until it answers, ${ROUNDS} rounds (examples/node-http):`);
    console.log(`    berth (upload → build → push → release → start → health check → proxy switch): p50 ${s(b.p50)}, min ${s(b.min)}, max ${s(b.max)}`);
    console.log(`    raw docker build + docker run (no registry, no proxy):                          p50 ${s(r.p50)}, min ${s(r.min)}, max ${s(r.max)}`);
    console.log(`    ratio p50: ${(b.p50 / r.p50).toFixed(2)}× (goal ≤ 2.5× and ≤ 2 s)`);
  } finally {
    if (containers.length > 0) await run("docker", ["rm", "-f", ...containers]).catch(() => undefined);
    await run("docker", ["rmi", "-f", rawTag]).catch(() => undefined);
    await api(cookie, "DELETE", `/api/v1/teams/${team}/apps/${app}`).catch(() => undefined);
    await api(cookie, "DELETE", `/api/v1/teams/${team}`).catch(() => undefined);
  }
}
