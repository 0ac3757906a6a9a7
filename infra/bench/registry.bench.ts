// What Berth's token auth costs the registry, measured against the same registry binary with
// auth off, in the same run on the same disk:
// - push and pull of a ~200 MB image of incompressible layers through dockerd, in two rounds
//   with the order of the registries swapped; each round builds fresh random layers, so
//   neither registry has them yet;
// - the token endpoint under 50 concurrent clients (Basic with a password, then with an
//   access token), bounded in count and time.
// The baseline registry is a `docker-registry serve` of our own on a free 127.0.0.1 port with
// temporary storage; it is stopped (by its pid) and its storage removed whatever happens.
// Berth's copy is pushed as the instance admin into their personal namespace and its manifest
// deleted afterwards (the blobs go at the next scheduled garbage collection).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { formatImageRef, requireImageRef } from "@berth/core/image-ref";
import { createRegistryClient } from "@berth/core/registry/registry-client";
import { loadTokenKeys } from "@berth/core/registry/token-keys";
import Docker from "dockerode";
import * as tar from "tar-stream";
import { pushTag, readJsonStream } from "../seed/base-images.ts";
import { signInAdmin } from "./admin.ts";
import { ms, summary } from "./stats.ts";

const root = join(import.meta.dirname, "../..");
const home = resolve(root, process.env.BERTH_HOME ?? ".berth");
const webUrl = `http://127.0.0.1:${process.env.BERTH_WEB_PORT ?? "3000"}`;
const berthRegistry = `127.0.0.1:${process.env.BERTH_REGISTRY_PORT ?? "5000"}`;
const service = process.env.BERTH_REGISTRY_SERVICE ?? "berth-registry";
const adminEmail = process.env.BERTH_ADMIN_EMAIL ?? "admin@berth.localhost";
const adminPassword = process.env.BERTH_ADMIN_PASSWORD ?? "";
const BASE_IMAGE = `${berthRegistry}/berth/busybox:latest`;
const LAYERS = 4;
const LAYER_MB = 50;
const ROUNDS = 2;

type Target = { name: "berth-auth" | "no-auth"; repo: string; authconfig?: Docker.AuthConfig; forget?: (digest: string) => Promise<void> };
type Cleanup = (() => Promise<void>)[];

export async function benchRegistry(): Promise<void> {
  if (!adminPassword) throw new Error("BERTH_ADMIN_PASSWORD is not set: run through `npm run bench`");
  const docker = new Docker({ socketPath: process.env.DOCKER_SOCKET ?? "/var/run/docker.sock" });
  const baseline = await startBaselineRegistry();
  const cleanup: Cleanup = [];
  try {
    const session = await signInAdmin();
    const berthRepo = `${session.username}/bench`;
    const auth: Target = {
      name: "berth-auth",
      repo: `${berthRegistry}/${berthRepo}`,
      authconfig: { username: adminEmail, password: adminPassword, serveraddress: berthRegistry },
      forget: (digest) => deleteFromBerth(berthRepo, digest),
    };
    const noAuth: Target = { name: "no-auth", repo: `${baseline.host}/bench/registry` };

    // Whichever registry goes first in a round pays for cold caches; alternate and average.
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await benchRound(docker, i % 2 === 0 ? [noAuth, auth] : [auth, noAuth], cleanup));
    const bytes = rounds[0]?.bytes ?? 0;
    for (const what of ["push", "pull"] as const) {
      const authMs = rounds.map((r) => r[what]["berth-auth"]);
      const noAuthMs = rounds.map((r) => r[what]["no-auth"]);
      line(what, bytes, authMs, noAuthMs);
    }

    const scope = `repository:${berthRepo}:pull`;
    await tokenLatency("Basic password", `Basic ${b64(`${adminEmail}:${adminPassword}`)}`, scope);
    const pat = await createToken(session.cookie);
    try {
      await tokenLatency("Basic access token", `Basic ${b64(`${adminEmail}:${pat.secret}`)}`, scope);
    } finally {
      await revokeToken(session.cookie, pat.id);
    }
  } finally {
    for (const step of cleanup.reverse()) await step().catch((e: Error) => console.log(`cleanup: ${e.message}`));
    await baseline.stop();
  }
}

/** One fresh image, pushed to and pulled from each target in the given order. */
async function benchRound(
  docker: Docker,
  targets: Target[],
  cleanup: Cleanup,
): Promise<{ bytes: number; push: Record<Target["name"], number>; pull: Record<Target["name"], number> }> {
  const tag = `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  const built = await buildImage(docker, `berth-bench/registry:${tag}`);
  // By id, with force: every tag and every layer goes.
  cleanup.push(() => removeImage(docker, built.id));
  console.log(
    `built ${mb(built.bytes)} in ${(built.ms / 1000).toFixed(1)} s (${LAYERS} random layers of ${LAYER_MB} MB), order ${targets.map((t) => t.name).join(", ")}`,
  );
  const push = { "berth-auth": 0, "no-auth": 0 };
  const pull = { "berth-auth": 0, "no-auth": 0 };
  for (const t of targets) {
    await docker.getImage(built.id).tag({ repo: t.repo, tag });
    const pushed = await timed(() => pushTag(docker, t.repo, tag, t.authconfig));
    push[t.name] = pushed.ms;
    const forget = t.forget;
    if (forget) cleanup.push(() => forget(pushed.value));
  }
  for (const t of targets) {
    await removeImage(docker, built.id);
    pull[t.name] = (await timed(() => pullImage(docker, `${t.repo}:${tag}`, t.authconfig ?? {}))).ms;
  }
  await removeImage(docker, built.id);
  return { bytes: built.bytes, push, pull };
}

// ------------------------------------------------------------------ the baseline registry

async function startBaselineRegistry(): Promise<{ host: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "berth-bench-registry-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  // Berth's registry settings minus auth and notifications, so only the auth differs.
  const config = [
    "version: 0.1",
    "log:",
    "  level: warn",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${join(dir, "data")}`,
    "  delete:",
    "    enabled: true",
    "  cache:",
    "    blobdescriptor: inmemory",
    "http:",
    `  addr: ${host}`,
    `  secret: ${randomBytes(16).toString("hex")}`,
    "",
  ].join("\n");
  writeFileSync(join(dir, "config.yml"), config);
  const logFd = openSync(join(dir, "registry.log"), "a");
  const child = spawn("docker-registry", ["serve", join(dir, "config.yml")], { stdio: ["ignore", logFd, logFd] });
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`baseline registry on ${host}`, 10_000, async () => (await fetch(`http://${host}/v2/`)).status === 200);
  } catch (err) {
    await stop();
    throw err;
  }
  return { host, stop };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  process.kill(child.pid, "SIGTERM");
  const gone = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
  if (!gone) {
    process.kill(child.pid, "SIGKILL");
    await exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// ------------------------------------------------------------------ images

async function buildImage(docker: Docker, tag: string): Promise<{ id: string; bytes: number; ms: number }> {
  // Every RUN writes fresh random bytes: incompressible, and new to both registries each run.
  const dockerfile = [
    `FROM ${BASE_IMAGE}`,
    ...Array.from({ length: LAYERS }, (_, i) => `RUN head -c ${LAYER_MB * 1_000_000} /dev/urandom > /bench-${i}.bin`),
  ].join("\n");
  const pack = tar.pack();
  pack.entry({ name: "Dockerfile", mode: 0o644 }, `${dockerfile}\n`);
  pack.finalize();
  const start = performance.now();
  await readJsonStream(await docker.buildImage(Readable.from(pack), { t: tag, nocache: true, rm: true, forcerm: true }));
  const elapsed = performance.now() - start;
  const info = await docker.getImage(tag).inspect();
  return { id: info.Id, bytes: info.Size, ms: elapsed };
}

async function pullImage(docker: Docker, input: string, authconfig: Docker.AuthConfig): Promise<void> {
  const ref = requireImageRef(input);
  // createImage(auth, query) keeps credentials in the X-Registry-Auth header, out of the query string.
  await readJsonStream(await docker.createImage(authconfig, { fromImage: formatImageRef({ domain: ref.domain, path: ref.path }), tag: ref.tag ?? "latest" }));
}

async function removeImage(docker: Docker, ref: string): Promise<void> {
  try {
    await docker.getImage(ref).remove({ force: true });
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
}

async function deleteFromBerth(repo: string, digest: string): Promise<void> {
  const keys = loadTokenKeys(join(home, "registry/token.key"), join(home, "registry/token.crt"));
  const registry = createRegistryClient({ baseUrl: `http://${berthRegistry}`, service, keys: () => keys });
  await registry.deleteManifest(repo, digest);
}

// ------------------------------------------------------------------ token endpoint

async function tokenLatency(label: string, authorization: string, scope: string): Promise<void> {
  const clients = 50;
  const maxRequests = 2000;
  const deadline = Date.now() + 30_000;
  const url = `${webUrl}/api/registry/token?service=${encodeURIComponent(service)}&scope=${encodeURIComponent(scope)}`;
  const samples: number[] = [];
  let issued = 0;
  let failed = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (issued < maxRequests && Date.now() < deadline) {
        issued++;
        const t = performance.now();
        const res = await fetch(url, { headers: { authorization } });
        await res.arrayBuffer();
        samples.push(performance.now() - t);
        if (res.status !== 200) failed++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const s = summary(samples);
  console.log(
    `GET /api/registry/token (${label}, pull scope), ${clients} clients: ${s.n} requests in ${seconds.toFixed(1)} s, ` +
      `${(s.n / seconds).toFixed(1)} req/s, p50 ${ms(s.p50)}, p99 ${ms(s.p99)}${failed ? `, ${failed} not 200` : ""}`,
  );
}

async function createToken(cookie: string): Promise<{ id: string; secret: string }> {
  const res = await fetch(`${webUrl}/api/v1/tokens`, {
    method: "POST",
    headers: { cookie, origin: webUrl, "content-type": "application/json" },
    body: JSON.stringify({ name: "registry bench", scopes: ["registry:read"], expiresInDays: 1 }),
  });
  if (res.status !== 201) throw new Error(`createToken: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: { id: string }; secret: string };
  return { id: body.token.id, secret: body.secret };
}

async function revokeToken(cookie: string, id: string): Promise<void> {
  const res = await fetch(`${webUrl}/api/v1/tokens/${encodeURIComponent(id)}`, { method: "DELETE", headers: { cookie, origin: webUrl } });
  if (res.status !== 204) console.log(`could not revoke the bench token ${id}: HTTP ${res.status}`);
}

// ------------------------------------------------------------------ small helpers

const b64 = (s: string) => Buffer.from(s).toString("base64");
const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(0)} MB`;

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

function line(what: string, bytes: number, authMs: number[], noAuthMs: number[]): void {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const s = (xs: number[]) => xs.map((n) => (n / 1000).toFixed(1)).join(", ");
  const [a, n] = [mean(authMs), mean(noAuthMs)];
  console.log(
    `registry ${what} ${mb(bytes)}: berth-auth ${(a / 1000).toFixed(1)} s, no-auth ${(n / 1000).toFixed(1)} s, ratio (no-auth/auth) ${(n / a).toFixed(2)}` +
      ` (mean of ${authMs.length} rounds; berth-auth ${s(authMs)} s, no-auth ${s(noAuthMs)} s)`,
  );
}

async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await probe().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}
