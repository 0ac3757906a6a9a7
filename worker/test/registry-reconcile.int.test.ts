// Reconciliation repairs the image tables after lost registry events: against the real
// registry, worker, Redis and Postgres.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { JOBS, QUEUE_PREFIX, QUEUES } from "@berth/core";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { signUp, type TestUser, teamWith } from "../../web/test/api.ts";
import { pushImage, tagRow } from "../../web/test/registry.ts";
import { sql } from "../../web/test/sql.ts";

const connection = new Redis(process.env.REDIS_URL as string, { maxRetriesPerRequest: null });
const registryQueue = new Queue(QUEUES.registry, { connection, prefix: QUEUE_PREFIX });
let owner: TestUser;
let team: string;

async function reconcile() {
  const job = await registryQueue.add(JOBS.registryReconcile.name, { version: 1 });
  for (let i = 0; i < 100; i++) {
    const state = await job.getState();
    if (state === "completed") return;
    if (state === "failed") throw new Error(`reconcile failed: ${(await registryQueue.getJob(job.id as string))?.failedReason}`);
    await sleep(100);
  }
  throw new Error("reconcile did not finish within 10 s");
}

before(async () => {
  owner = await signUp();
  team = await teamWith(owner);
});

after(async () => {
  await registryQueue.close();
  connection.disconnect();
});

describe("registry reconciliation", () => {
  it("records a tag whose push event was lost, and forgets a tag the registry no longer has", async () => {
    await pushImage({ user: owner, image: `${team}/app:v1` });
    const recorded = await tagRow(`${team}/app`, "v1");
    assert.ok(recorded);

    // Lose the event: the row disappears as if the notification never arrived.
    await sql(
      `DELETE FROM image_tag WHERE digest = $1 AND "repositoryId" IN (SELECT r.id FROM image_repository r JOIN team t ON t.id = r."teamId" WHERE t.slug = $2)`,
      [recorded.digest, team],
    );
    // And a tag that exists only in the database.
    const [repo] = await sql<{ id: string }>(`SELECT r.id FROM image_repository r JOIN team t ON t.id = r."teamId" WHERE t.slug = $1 AND r.name = 'app'`, [
      team,
    ]);
    await sql(`INSERT INTO image_tag (id, "repositoryId", name, digest) VALUES (gen_random_uuid(), $1, 'ghost', 'sha256:0000')`, [repo?.id]);

    await reconcile();
    const back = await tagRow(`${team}/app`, "v1");
    assert.equal(back?.digest, recorded.digest);
    assert.ok(Number(back?.sizeBytes) > 0);
    assert.equal(await tagRow(`${team}/app`, "ghost"), undefined);
  });
});
