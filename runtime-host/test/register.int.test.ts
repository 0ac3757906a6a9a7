// A second runtime-host (a new agent process, the real worker, Redis and Postgres) registers
// its host and keeps it fresh with heartbeats; after it stops, the heartbeats stop.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";

const databaseUrl = process.env.DATABASE_URL as string;
const redisUrl = process.env.REDIS_URL as string;
const hostId = `test-${randomBytes(4).toString("hex")}`;
const root = join(import.meta.dirname, "../..");
let agent: ChildProcess | undefined;

async function hostRow(): Promise<{ id: string; hostname: string; cpus: number; lastHeartbeatAt: Date } | undefined> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT id, hostname, cpus, "lastHeartbeatAt" FROM host WHERE id = $1`, [hostId]);
    return rows[0];
  } finally {
    await c.end();
  }
}

after(async () => {
  if (agent?.pid && agent.exitCode === null) agent.kill("SIGKILL");
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  await c.query(`DELETE FROM host WHERE id = $1`, [hostId]);
  await c.end();
});

describe("runtime-host registration", () => {
  it("registers a new host within seconds and refreshes its heartbeat", async () => {
    agent = spawn(process.execPath, ["--import", "tsx", "runtime-host/src/main.ts"], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        REDIS_URL: redisUrl,
        DOCKER_SOCKET: process.env.DOCKER_SOCKET ?? "/var/run/docker.sock",
        BERTH_HOST_ID: hostId,
        BERTH_HEARTBEAT_MS: "500",
        // Its inventory would make the worker reconcile the shared engine for a throw-away host.
        BERTH_INVENTORY_MS: "0",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    agent.stderr?.on("data", (d) => {
      stderr += d;
    });

    let first: Awaited<ReturnType<typeof hostRow>>;
    for (let i = 0; i < 60 && !first; i++) {
      await sleep(250);
      first = await hostRow();
    }
    assert.ok(first, `host ${hostId} registered (agent stderr: ${stderr})`);
    assert.ok(first.cpus >= 1);

    await sleep(1500);
    const later = await hostRow();
    assert.ok(later && later.lastHeartbeatAt > first.lastHeartbeatAt, "heartbeat advanced");

    agent.kill("SIGTERM");
    await new Promise((resolve) => agent?.once("exit", resolve));
    assert.equal(agent.exitCode, 0, "the agent shuts down cleanly on SIGTERM");
    const stopped = await hostRow();
    await sleep(1500);
    const afterStop = await hostRow();
    assert.equal(afterStop?.lastHeartbeatAt.getTime(), stopped?.lastHeartbeatAt.getTime(), "no heartbeat after it stopped");
  });
});
