// Every process Berth starts on this machine runs under a supervisor (infra/lib/supervise.sh, started by
// infra/services/*.sh): killed outright (SIGKILL), it is started again by itself, answers again, and
// the stack is healthy again (npm run status exits 0). One fault at a time; each holds
// /tmp/berth-restart.lock (the lock other sessions take to restart services) for its duration.
// Run the file under `flock /tmp/berth-testnet.lock`. About 1 to 2 minutes (web restarts slowest).
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { Resolver } from "node:dns/promises";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { signIn, stack } from "../../web/test/config.ts";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "../..");
const RESTART_LOCK = "/tmp/berth-restart.lock";
const BACK_WITHIN_MS = 30_000;
const HEALTHY_WITHIN_MS = 30_000;

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
const logSize = (name: string) => statSync(join(berthHome, "logs", `${name}.log`)).size;
const logSince = (name: string, from: number) =>
  readFileSync(join(berthHome, "logs", `${name}.log`))
    .subarray(from)
    .toString();
const envOf = (pid: number, key: string) =>
  readFileSync(`/proc/${pid}/environ`, "utf8")
    .split("\0")
    .find((e) => e.startsWith(`${key}=`))
    ?.slice(key.length + 1);

/** Runs `fn` while holding the restart lock (through flock(1): the lock other sessions take). */
async function withRestartLock<T>(fn: () => Promise<T>): Promise<T> {
  const holder = spawn("flock", [RESTART_LOCK, "bash", "-c", "echo locked; read -r _"], { stdio: ["pipe", "pipe", "inherit"] });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${RESTART_LOCK} not free within 5 minutes`)), 300_000);
      holder.stdout.on("data", (d: Buffer) => {
        if (d.toString().includes("locked")) {
          clearTimeout(timer);
          resolve();
        }
      });
      holder.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`flock exited (${code}) before taking ${RESTART_LOCK}`));
      });
    });
    return await fn();
  } finally {
    holder.stdin.end();
    await new Promise((resolve) => (holder.exitCode !== null ? resolve(null) : holder.once("exit", resolve)));
  }
}

const ok = async (check: () => Promise<boolean>) => {
  try {
    return await check();
  } catch {
    return false;
  }
};
const httpStatus = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status;
const sql = async (query: string) => (await run("psql", [stack.databaseUrl, "-tAc", query], { timeout: 5_000 })).stdout.trim();
const statusExit = async () => {
  try {
    await run("bash", [join(ROOT, "infra/status.sh")], { timeout: 20_000 });
    return 0;
  } catch (e) {
    return (e as { code?: number }).code ?? 1;
  }
};

type Fault = {
  /** Its pid files (<name>.pid: the supervisor, <name>-child.pid: the process) and log. */
  name: string;
  what: string;
  /** Called before the kill: what the check needs to know (e.g. the host id), passed back to it. */
  prepare?: (child: number) => Promise<string>;
  /** The process answers again (killedAt: when it was killed). */
  answers: (killedAt: number, prepared: string) => Promise<boolean>;
};

const FAULTS: Fault[] = [
  {
    name: "redis",
    what: "Redis answers PING",
    answers: async () => {
      const url = new URL(stack.redisUrl);
      // The password through the environment (REDISCLI_AUTH), not the command line.
      const env = { ...process.env, REDISCLI_AUTH: decodeURIComponent(url.password) };
      return (await run("redis-cli", ["-h", url.hostname, "-p", url.port, "ping"], { timeout: 3_000, env })).stdout.trim() === "PONG";
    },
  },
  {
    name: "postgres",
    what: "PostgreSQL answers a query (after its crash recovery)",
    answers: async () => (await sql("select count(*) >= 0 from host")) === "t",
  },
  {
    name: "registry",
    what: "the registry answers /v2/ through Caddy (401: it wants a token)",
    answers: async () => (await httpStatus(`http://${stack.registryHost}/v2/`)) === 401,
  },
  {
    name: "caddy",
    what: "Caddy proxies the dashboard's /api/health",
    answers: async () => (await httpStatus(`http://127.0.0.1:${stack.proxyPort}/api/health`)) === 200,
  },
  {
    name: "router",
    what: "the router answers DNS (NXDOMAIN for a name without a route)",
    answers: async () => {
      const resolver = new Resolver({ timeout: 1_000, tries: 1 });
      resolver.setServers([`127.0.0.1:${process.env.BERTH_ROUTER_PORT ?? "55353"}`]);
      try {
        await resolver.resolveSrv(`no-such-app-${Date.now()}.invalid`);
        return true;
      } catch (e) {
        return ["ENOTFOUND", "ENODATA"].includes((e as { code?: string }).code ?? "");
      }
    },
  },
  {
    name: "runtime-host",
    what: "the agent heartbeats again",
    prepare: async (child) => envOf(child, "BERTH_HOST_ID") ?? "",
    answers: async (killedAt, hostId) =>
      (await sql(`select count(*) from host where id = '${hostId.replaceAll("'", "")}' and "lastHeartbeatAt" > to_timestamp(${killedAt / 1000})`)) === "1",
  },
  {
    name: "runtime-host-2",
    what: "the second host's agent heartbeats again",
    prepare: async (child) => envOf(child, "BERTH_HOST_ID") ?? "",
    answers: async (killedAt, hostId) =>
      (await sql(`select count(*) from host where id = '${hostId.replaceAll("'", "")}' and "lastHeartbeatAt" > to_timestamp(${killedAt / 1000})`)) === "1",
  },
  {
    name: "web",
    what: "GET /api/health is 200",
    answers: async () => (await httpStatus(`${stack.webUrl}/api/health`)) === 200,
  },
];

/** Kills <name>-child.pid with SIGKILL; returns the seconds until it answers again. */
async function killAndWait(t: TestContext, fault: Fault): Promise<number> {
  const supervisor = pidOf(fault.name);
  const before = pidOf(`${fault.name}-child`);
  assert.ok(alive(supervisor), `${fault.name}'s supervisor runs (.berth/run/${fault.name}.pid)`);
  assert.ok(alive(before), `${fault.name} runs (.berth/run/${fault.name}-child.pid)`);
  const prepared = fault.prepare ? await fault.prepare(before as number) : "";
  assert.ok(await ok(() => fault.answers(0, prepared)), `${fault.name} answers before the fault (${fault.what})`);
  const from = logSize(fault.name);

  const killedAt = Date.now();
  process.kill(before as number, "SIGKILL");
  let after: number | null = null;
  let back = false;
  for (const deadline = killedAt + BACK_WITHIN_MS; Date.now() < deadline; await sleep(100)) {
    after = pidOf(`${fault.name}-child`);
    if (after !== before && alive(after) && (await ok(() => fault.answers(killedAt, prepared)))) {
      back = true;
      break;
    }
  }
  const seconds = (Date.now() - killedAt) / 1000;
  assert.ok(back, `${fault.name} is not back within ${BACK_WITHIN_MS / 1000} s (${fault.what}; child pid ${before} -> ${after})`);
  t.diagnostic(`${fault.name}: back in ${seconds.toFixed(1)} s (${fault.what})`);
  assert.equal(pidOf(fault.name), supervisor, "the supervisor itself kept running");
  assert.match(logSince(fault.name, from), new RegExp(`"${fault.name} exited with code 137, restarting"`));

  let code = -1;
  for (const deadline = Date.now() + HEALTHY_WITHIN_MS; Date.now() < deadline; await sleep(500)) {
    code = await statusExit();
    if (code === 0) break;
  }
  assert.equal(code, 0, `npm run status exits 0 within ${HEALTHY_WITHIN_MS / 1000} s of ${fault.name} being back`);
  return seconds;
}

describe("supervised processes", () => {
  it("starts a new worker within 10 s of the old one being SIGKILLed, and the stack is healthy again", { timeout: 300_000 }, async () => {
    await withRestartLock(async () => {
      const supervisor = pidOf("worker");
      const before = pidOf("worker-child");
      assert.ok(alive(supervisor), "the supervisor runs (.berth/run/worker.pid)");
      assert.ok(alive(before), "a worker runs (.berth/run/worker-child.pid)");
      const from = logSize("worker");

      const killedAt = Date.now();
      process.kill(before as number, "SIGKILL");
      let after: number | null = null;
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(100)) {
        after = pidOf("worker-child");
        if (after !== before && alive(after)) break;
      }
      assert.ok(after !== before && alive(after), `no new worker within 10 s (worker-child.pid: ${after})`);
      assert.equal(pidOf("worker"), supervisor, "the supervisor itself kept running");
      assert.match(logSince("worker", from), /worker exited with code 137, restarting/);

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

  for (const fault of FAULTS) {
    it(`${fault.name}: SIGKILLed, it is started again by its supervisor, ${fault.what}, and the stack is healthy`, { timeout: 400_000 }, async (t) => {
      if (fault.name === "runtime-host-2" && !alive(pidOf("runtime-host-2"))) {
        t.skip("no second local host (BERTH_LOCAL_HOSTS=1)");
        return;
      }
      await withRestartLock(() => killAndWait(t, fault));
    });
  }
});
