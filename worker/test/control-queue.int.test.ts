// The worker's control-queue processing, through real Redis: a malformed heartbeat fails
// once and for all (no retries), and nothing is written for it.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { QUEUE_PREFIX, QUEUES } from "@berth/core";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";

const connection = new Redis(process.env.REDIS_URL as string, { maxRetriesPerRequest: null });
const control = new Queue(QUEUES.control, { connection, prefix: QUEUE_PREFIX });

after(async () => {
  await control.close();
  connection.disconnect();
});

describe("control queue", () => {
  it("fails a malformed heartbeat permanently after one attempt and stores nothing", async () => {
    const hostId = `bad-${randomBytes(4).toString("hex")}`;
    const job = await control.add("host.heartbeat", { version: 1, host: { hostId, cpus: -1 } }, { attempts: 5, backoff: { type: "fixed", delay: 100 } });
    let state = "";
    for (let i = 0; i < 40 && state !== "failed"; i++) {
      await sleep(100);
      state = await job.getState();
    }
    assert.equal(state, "failed");
    const failed = await control.getJob(job.id as string);
    assert.equal(failed?.attemptsMade, 1, "not retried");
    assert.match(failed?.failedReason ?? "", /invalid payload for host.heartbeat/);
    await failed?.remove();

    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    const { rowCount } = await c.query(`SELECT 1 FROM host WHERE id = $1`, [hostId]);
    await c.end();
    assert.equal(rowCount, 0);
  });
});
