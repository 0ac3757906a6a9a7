// The worker runs under a supervisor (infra/lib/supervise.sh, started by infra/services/berth.sh):
// a worker killed outright is started again by itself, and the stack is healthy again.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { signIn, stack } from "../../web/test/config.ts";

const berthHome = stack.home;
const pidOf = (name: string): number | null => {
  try {
    return Number(readFileSync(join(berthHome, "run", `${name}.pid`), "utf8").trim()) || null;
  } catch {
    return null;
  }
};
const alive = (pid: number | null) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("the worker's supervisor", () => {
  it("starts a new worker within 10 s of the old one being SIGKILLed, and the stack is healthy again", { timeout: 60_000 }, async () => {
    const supervisor = pidOf("worker");
    const before = pidOf("worker-child");
    assert.ok(alive(supervisor), "the supervisor runs (.berth/run/worker.pid)");
    assert.ok(alive(before), "a worker runs (.berth/run/worker-child.pid)");
    const logSize = readFileSync(join(berthHome, "logs", "worker.log")).length;

    const killedAt = Date.now();
    process.kill(before as number, "SIGKILL");
    let after: number | null = null;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(100)) {
      after = pidOf("worker-child");
      if (after !== before && alive(after)) break;
    }
    assert.ok(after !== before && alive(after), `no new worker within 10 s (worker-child.pid: ${after})`);
    assert.equal(pidOf("worker"), supervisor, "the supervisor itself kept running");
    const log = readFileSync(join(berthHome, "logs", "worker.log"))
      .subarray(logSize)
      .toString();
    assert.match(log, /worker exited with code 137, restarting/);

    // Healthy, with a heartbeat the new worker recorded (the worker stamps it when it takes the job);
    // only instance admins see the hosts in /api/health.
    type Health = { hosts: { lastHeartbeatAt: string }[] };
    const cookie = await signIn(stack.adminEmail, stack.adminPassword);
    let status = 0;
    let newest = 0;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(500)) {
      const res = await fetch(`${stack.webUrl}/api/health`, { headers: { cookie } }).catch(() => null);
      status = res?.status ?? 0;
      const body = res ? ((await res.json().catch(() => ({ hosts: [] }))) as Health) : { hosts: [] };
      newest = Math.max(0, ...body.hosts.map((h) => Date.parse(h.lastHeartbeatAt)));
      if (status === 200 && newest > killedAt) break;
    }
    assert.equal(status, 200, "GET /api/health is 200 again within 30 s");
    assert.ok(newest > killedAt, "the new worker processes heartbeats");
  });
});
