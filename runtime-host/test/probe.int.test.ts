// Health checks from the host (container.probe) against real containers: a busybox httpd that
// passes, answers that fail with the reason, a container that exits or crash-loops or is
// OOM-killed (reported at once, with its last log lines), and attempts that stay bounded.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { before, describe, it } from "node:test";
import { isAppError } from "@berth/core";
import type { HostJobPayload } from "@berth/core/host-jobs";
import { NODE, spec, useAgent, waitForLog } from "./agent.ts";

const suffix = randomBytes(3).toString("hex");
const team = `tp${suffix}`;
const { run, made } = useAgent();
made.networks.push(`berth_net_${team}`);

type Check = HostJobPayload<"containerProbe">["check"];
const check = (over: Partial<Check> = {}): Check => ({ type: "http", path: "/health", timeoutS: 2, attempts: 20, intervalMs: 200, ...over });

async function start(name: string, over: Parameters<typeof spec>[2]) {
  made.containers.push(name);
  return run("containerRun", { version: 1, spec: spec(name, team, over) });
}

describe("container.probe", () => {
  const web = `berth-test-httpd-${suffix}`;
  const silent = `berth-test-silent-${suffix}`;
  const stuck = `berth-test-stuck-${suffix}`;

  before(async () => {
    await start(web, {
      cmd: ["sh", "-c", "mkdir -p /tmp/www && echo ok > /tmp/www/health && echo httpd up && exec httpd -f -p 8080 -h /tmp/www"],
      port: 8080,
    });
    // Listens on nothing: docker-proxy still accepts on the published port, then hangs up.
    await start(silent, { cmd: ["sleep", "300"], port: 8080 });
    // Accepts connections and never answers.
    await start(stuck, { image: NODE, cmd: ["node", "-e", "require('net').createServer(()=>{}).listen(8080);console.log('listening')"], port: 8080 });
    assert.ok(await waitForLog(stuck, "listening"));
  });

  it("passes for a busybox httpd answering 200", async () => {
    const res = await run("containerProbe", { version: 1, name: web, check: check() });
    assert.equal(res.ok, true, res.detail);
    assert.equal(res.detail, "GET /health answered 200");
    assert.equal(res.exited, false);
    assert.deepEqual(res.logs, []);
  });

  it("passes a TCP check once the app itself accepts", async () => {
    const res = await run("containerProbe", { version: 1, name: web, check: check({ type: "tcp" }) });
    assert.equal(res.ok, true, res.detail);
    assert.match(res.detail, /^connected to 127\.0\.0\.1:\d+$/);
  });

  it("fails with the status after every attempt, and returns the last log lines", async () => {
    const res = await run("containerProbe", { version: 1, name: web, check: check({ path: "/missing", attempts: 3, intervalMs: 100 }) });
    assert.equal(res.ok, false);
    assert.equal(res.attempts, 3);
    assert.equal(res.detail, "GET /missing answered 404");
    assert.ok(res.logs.includes("httpd up"), `logs: ${JSON.stringify(res.logs)}`);
  });

  it("fails when nothing listens behind the published port, over HTTP and TCP", async () => {
    const http = await run("containerProbe", { version: 1, name: silent, check: check({ attempts: 2, intervalMs: 100 }) });
    assert.equal(http.ok, false);
    assert.match(http.detail, /^connection closed on 127\.0\.0\.1:\d+ before an answer/);
    const tcp = await run("containerProbe", { version: 1, name: silent, check: check({ type: "tcp", attempts: 2, intervalMs: 100 }) });
    assert.equal(tcp.ok, false);
    assert.match(tcp.detail, /^connection closed on 127\.0\.0\.1:\d+/);
  });

  it("times out on an app that accepts but never answers, within attempts × (interval + timeout)", async () => {
    const started = Date.now();
    const res = await run("containerProbe", { version: 1, name: stuck, check: check({ timeoutS: 1, attempts: 2, intervalMs: 100 }) });
    const took = Date.now() - started;
    assert.equal(res.ok, false);
    assert.equal(res.detail, "timed out after 1 s");
    assert.equal(res.attempts, 2);
    assert.ok(took >= 2_000 && took < 2 * (100 + 1_000) + 3_000, `took ${took} ms`);
  });

  it("stops early for a container that exited, with its exit code and output", async () => {
    const name = `berth-test-exits-${suffix}`;
    await start(name, { cmd: ["sh", "-c", "echo starting; echo 'cannot open config' >&2; exit 3"], port: 8080 });
    const res = await run("containerProbe", { version: 1, name, check: check({ attempts: 50 }) });
    assert.equal(res.ok, false);
    assert.equal(res.exited, true);
    assert.equal(res.exitCode, 3);
    assert.equal(res.oomKilled, false);
    assert.equal(res.detail, "container exited with code 3");
    assert.ok(res.attempts < 50, `stopped early (attempt ${res.attempts})`);
    // stdout and stderr are separate pipes: the engine may record them in either order.
    assert.deepEqual([...res.logs].sort(), ["cannot open config", "starting"]);
  });

  it("treats a crash-looping container (restart policy) as exited", async () => {
    const name = `berth-test-loop-${suffix}`;
    await start(name, { cmd: ["sh", "-c", "echo crashing; exit 2"], port: 8080, restart: "on-failure" });
    const res = await run("containerProbe", { version: 1, name, check: check({ attempts: 50 }) });
    assert.equal(res.exited, true);
    assert.equal(res.exitCode, 2);
    assert.ok(res.logs.includes("crashing"));
  });

  it("reports a container killed for its memory limit as OOM-killed", async () => {
    const name = `berth-test-oom-${suffix}`;
    await start(name, {
      image: NODE,
      cmd: ["node", "-e", "const a=[];for(;;)a.push(Buffer.alloc(1e6,1))"],
      limits: { memoryBytes: 64 * 1024 * 1024, pids: 64 },
      port: 8080,
    });
    const res = await run("containerProbe", { version: 1, name, check: check({ attempts: 100 }) });
    assert.equal(res.ok, false);
    assert.equal(res.oomKilled, true);
    assert.equal(res.detail, "container was OOM-killed");
  });

  it("refuses to probe a container that does not exist", async () => {
    await assert.rejects(
      run("containerProbe", { version: 1, name: `berth-test-none-${suffix}`, check: check() }),
      (e) => isAppError(e) && e.code === "NOT_FOUND" && /no container named/.test(e.message),
    );
  });
});
