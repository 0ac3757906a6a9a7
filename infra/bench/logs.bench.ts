// Latency of a log line from a container's stdout to socket.io clients: runtime-host follows the
// container through the Engine API, XADDs and publishes (flushing every LOG_FLUSH_MS); web relays
// the bus message to the viewers of the app's log room. The app (the seeded Node.js image) prints
// `Date.now()` 100 times a second; latency = receive time - that timestamp (one machine, one
// clock). (a) one viewer, (b) 1,000 viewers on the one web process, spread over child processes
// on loopback; RSS of the web process idle and with the 1,000. Bounded: MEASURE_MS per case,
// 120 s to connect, 120 s for the deploy. Everything it creates is removed.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type BusMessage, EVENTS_CHANNEL } from "@berth/core/events";
import { appLogKey } from "@berth/core/logs";
import { Redis } from "ioredis";
import { redisUrl, registryHost, signInAdmin, webUrl } from "./admin.ts";
import { api } from "./deploy.bench.ts";
import { mib, ms, processPid, summary } from "./stats.ts";

const root = join(import.meta.dirname, "../..");
const registry = registryHost;
const MEASURE_MS = 10_000;
const VIEWERS = 1_000;
const CHILDREN = 4;
/** Latency histogram: 0.1 ms buckets up to 5 s. */
const BUCKET_MS = 0.1;
const BUCKETS = 50_000;
// 100 lines a second; a tiny HTTP server answers the health check.
const PRINTER = "setInterval(() => console.log(String(Date.now())), 10); require('http').createServer((q, s) => s.end('ok')).listen(8080);";

// Another app writing as fast as it can (500-line chunks, each write waiting for the pipe), for case (c).
const FLOODER =
  "const c = ('flood ' + 'x'.repeat(50) + '\\n').repeat(500); const w = () => process.stdout.write(c, w); w(); require('http').createServer((q, s) => s.end('ok')).listen(8080);";

type Child = { proc: ChildProcess; lines: AsyncIterator<string> };

function startViewers(cookie: string, appId: string, viewers: number): Child {
  const proc = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(import.meta.dirname, "log-viewers.ts"),
      JSON.stringify({ url: webUrl, cookie, appId, viewers, bucketMs: BUCKET_MS, buckets: BUCKETS }),
    ],
    {
      cwd: root,
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  return { proc, lines: createInterface({ input: proc.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]() };
}

async function nextLine(child: Child, what: string): Promise<string> {
  const r = await child.lines.next();
  if (r.done) throw new Error(`viewer process ended before ${what}`);
  return r.value;
}

/** Runs `viewers` viewers over `children` processes for MEASURE_MS; returns p50/p99 and the count. */
async function measure(cookie: string, appId: string, viewers: number, children: number, during?: () => void) {
  const kids = Array.from({ length: children }, (_, i) => startViewers(cookie, appId, Math.floor(viewers / children) + (i < viewers % children ? 1 : 0)));
  try {
    for (const k of kids) if ((await nextLine(k, "ready")) !== "ready") throw new Error("viewer process did not get ready");
    for (const k of kids) k.proc.stdin?.write(`go ${MEASURE_MS}\n`);
    await new Promise((r) => setTimeout(r, MEASURE_MS / 2));
    during?.();
    const results = await Promise.all(kids.map(async (k) => JSON.parse(await nextLine(k, "the result")) as { received: number; hist: number[] }));
    const hist = new Array<number>(results[0]?.hist.length ?? 0).fill(0);
    let received = 0;
    for (const r of results) {
      received += r.received;
      r.hist.forEach((n, i) => {
        hist[i] = (hist[i] ?? 0) + n;
      });
    }
    const at = (p: number) => {
      const want = Math.ceil((p / 100) * received);
      let seen = 0;
      for (let i = 0; i < hist.length; i++) {
        seen += hist[i] ?? 0;
        if (seen >= want) return (i + 1) * BUCKET_MS;
      }
      return Number.NaN;
    };
    return { received, p50: at(50), p99: at(99), max: at(100) };
  } finally {
    for (const k of kids) k.proc.kill("SIGTERM");
  }
}

/** The same latency seen on the Redis bus (runtime-host's share: engine → follower → XADD → PUBLISH). */
async function busLatency(appId: string, forMs: number) {
  const sub = new Redis(redisUrl);
  const samples: number[] = [];
  sub.on("message", (_c, raw: string) => {
    const now = Date.now();
    const m = JSON.parse(raw) as BusMessage;
    if (m.type !== "app.log" || m.payload.appId !== appId) return;
    for (const l of m.payload.lines) if (Number(l.text) > 1e12) samples.push(now - Number(l.text));
  });
  await sub.subscribe(EVENTS_CHANNEL);
  await new Promise((r) => setTimeout(r, forMs));
  sub.disconnect();
  return summary(samples);
}

/** Creates `app` in `team` running `script` on the seeded Node.js image and waits until it is live; its id. */
async function deployNodeApp(cookie: string, team: string, app: string, script: string): Promise<string> {
  const a = await api(cookie, "POST", `/api/v1/teams/${team}/apps`, {
    name: app,
    image: `${registry}/berth/node:latest`,
    deploy: true,
    config: { port: 8080, cmd: ["node", "-e", script], healthCheck: { type: "http", path: "/", timeoutS: 2, attempts: 100, intervalMs: 200 } },
  });
  if (a.status !== 201) throw new Error(`create app ${app}: ${a.status} ${JSON.stringify(a.json)}`);
  const deploymentId = (a.json.deployment as { id: string }).id;
  const until = Date.now() + 120_000;
  for (;;) {
    const d = await api(cookie, "GET", `/api/v1/teams/${team}/apps/${app}/deployments/${deploymentId}`);
    if (d.json.status === "live") return (a.json.app as { id: string }).id;
    if (["failed", "cancelled", "superseded"].includes(String(d.json.status)) || Date.now() > until)
      throw new Error(`deploy ${app}: ${d.json.status} ${d.json.reason ?? ""}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Lines of the flooder the runtime-host read in [from, to]: kept ones in its stream plus the counts its "dropped" markers carry. */
async function floodRate(appId: string, from: number, to: number) {
  const redis = new Redis(redisUrl);
  try {
    const entries = (await redis.xrange(appLogKey(appId), String(from), String(to))) as [string, string[]][];
    let kept = 0;
    let dropped = 0;
    for (const [, fields] of entries) {
      const text = fields[fields.indexOf("t") + 1] ?? "";
      const m = /\[berth\] ([\d,]+) lines? dropped/.exec(text);
      if (m?.[1]) dropped += Number(m[1].replaceAll(",", ""));
      else if (text.startsWith("flood ")) kept++;
    }
    const s = (to - from) / 1000;
    return { kept: kept / s, written: (kept + dropped) / s };
  } finally {
    redis.disconnect();
  }
}

/** The dashboard's API under load: `n` sequential reads of the app, their p50/p99. */
async function apiLatency(cookie: string, path: string, n: number) {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await api(cookie, "GET", path);
    samples.push(performance.now() - t0);
  }
  return summary(samples);
}

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? Number.NaN) * 1024;

export async function benchLogs(): Promise<void> {
  const webPid = processPid(join(root, ".berth/run"), "web");
  const { cookie } = await signInAdmin();
  const team = `bench-${randomBytes(3).toString("hex")}`;
  const app = "printer";
  const created = await api(cookie, "POST", "/api/v1/teams", { slug: team, name: "Logs bench" });
  if (created.status !== 201) throw new Error(`create team: ${created.status} ${JSON.stringify(created.json)}`);
  try {
    const appId = await deployNodeApp(cookie, team, app, PRINTER);

    const idle = rssOf(webPid);
    const perViewerPerSecond = (r: { received: number }, n: number) => (r.received / n / (MEASURE_MS / 1000)).toFixed(0);
    console.log(`  container line → socket.io client, 100 lines/s, ${MEASURE_MS / 1000} s per case:`);
    const [one, bus] = await Promise.all([measure(cookie, appId, 1, 1), busLatency(appId, MEASURE_MS)]);
    console.log(`    on the bus (runtime-host's share): p50 ${ms(bus.p50)}, p99 ${ms(bus.p99)}, max ${ms(bus.max)} (${bus.n} lines)`);
    console.log(
      `    1 viewer:      p50 ${ms(one.p50)}, p99 ${ms(one.p99)}, max ${ms(one.max)} (${one.received} lines, ${perViewerPerSecond(one, 1)}/s) — goal p99 ≤ 50 ms`,
    );
    let loaded = Number.NaN;
    const many = await measure(cookie, appId, VIEWERS, CHILDREN, () => {
      loaded = rssOf(webPid);
    });
    console.log(
      `    ${VIEWERS} viewers: p50 ${ms(many.p50)}, p99 ${ms(many.p99)}, max ${ms(many.max)} (${many.received} lines, ${perViewerPerSecond(many, VIEWERS)}/s per viewer, clients in ${CHILDREN} processes) — goal p99 ≤ 100 ms`,
    );
    console.log(`    web RSS: idle ${mib(idle)}, with ${VIEWERS} viewers ${mib(loaded)} (+${mib(loaded - idle)})`);

    // (c) Another app floods its log: this app's lines and the dashboard's API must not slow down.
    const quiet = await apiLatency(cookie, `/api/v1/teams/${team}/apps/${app}`, 50);
    const floodId = await deployNodeApp(cookie, team, "flooder", FLOODER);
    const from = Date.now();
    const [flooded, apiFlooded] = await Promise.all([measure(cookie, appId, 1, 1), apiLatency(cookie, `/api/v1/teams/${team}/apps/${app}`, 50)]);
    const rate = await floodRate(floodId, from, Date.now());
    await api(cookie, "DELETE", `/api/v1/teams/${team}/apps/flooder`);
    console.log(
      `    while runtime-host reads ${rate.written.toFixed(0)} lines/s of another app's flood (${rate.kept.toFixed(0)}/s kept, the rest dropped with markers): 1 viewer p50 ${ms(flooded.p50)}, p99 ${ms(flooded.p99)}, max ${ms(flooded.max)} (${flooded.received} lines)`,
    );
    console.log(
      `    dashboard API (GET the app, 50 in a row): quiet p50 ${ms(quiet.p50)}, p99 ${ms(quiet.p99)}; during the flood p50 ${ms(apiFlooded.p50)}, p99 ${ms(apiFlooded.p99)}`,
    );
  } finally {
    await api(cookie, "DELETE", `/api/v1/teams/${team}/apps/flooder`).catch(() => undefined);
    await api(cookie, "DELETE", `/api/v1/teams/${team}/apps/${app}`).catch(() => undefined);
    await api(cookie, "DELETE", `/api/v1/teams/${team}`).catch(() => undefined);
  }
}
