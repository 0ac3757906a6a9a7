// Bring-up and idle figures for the running stack:
// - a repeated `npm run up` (everything already running),
// - idle resident memory of web + worker + runtime-host,
// - GET /api/health latency, sequential, bounded in count and time.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { mib, ms, processPid, summary } from "./stats.ts";

const root = join(import.meta.dirname, "../..");
const home = process.env.BERTH_HOME ?? join(root, ".berth");
const webUrl = `http://127.0.0.1:${process.env.BERTH_WEB_PORT ?? "3000"}`;

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  return Number(line?.replace(/\D/g, "") ?? 0) * 1024;
}

export async function benchStack(): Promise<void> {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    execFileSync("bash", ["infra/up.sh"], { cwd: root, stdio: "ignore" });
    runs.push(performance.now() - start);
  }
  const up = summary(runs);
  console.log(`repeated bring-up (npm run up, stack running), 3 runs: min ${(up.min / 1000).toFixed(2)} s, median ${(up.p50 / 1000).toFixed(2)} s`);

  await sleep(5_000); // let start-up work settle before reading idle memory
  let total = 0;
  for (const name of ["web", "worker", "runtime-host"]) {
    const pid = processPid(join(home, "run"), name);
    const rss = rssBytes(pid);
    total += rss;
    console.log(`idle RSS ${name.padEnd(13)} ${mib(rss)}`);
  }
  console.log(`idle RSS web + worker + runtime-host: ${mib(total)}`);

  const samples: number[] = [];
  const deadline = Date.now() + 20_000;
  for (let i = 0; i < 200 && Date.now() < deadline; i++) {
    const start = performance.now();
    const res = await fetch(`${webUrl}/api/health`);
    await res.arrayBuffer();
    samples.push(performance.now() - start);
  }
  const h = summary(samples);
  console.log(`GET /api/health, ${h.n} sequential requests: p50 ${ms(h.p50)}, p99 ${ms(h.p99)}`);
}
