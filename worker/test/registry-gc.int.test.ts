// Garbage collection against the real registry: it frees the blobs of a deleted image, keeps
// everything still tagged, and pushes are refused while the write freeze is on.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { JOBS, QUEUE_PREFIX, QUEUES } from "@berth/core";
import { READONLY_KEY } from "@berth/core/registry/grant";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { call, rand, signUp, type TestUser, teamWith } from "../../web/test/api.ts";
import { dockerCli, registryHost, skopeo, skopeoCopy, waitForTag } from "../../web/test/registry.ts";

const redis = new Redis(process.env.REDIS_URL as string, { maxRetriesPerRequest: null });
const registryQueue = new Queue(QUEUES.registry, { connection: redis, prefix: QUEUE_PREFIX });
const blobDir = join(process.env.BERTH_HOME ?? join(import.meta.dirname, "../../.berth"), "registry/data/docker/registry/v2/blobs/sha256");
const blobExists = (digest: string) => existsSync(join(blobDir, digest.slice(7, 9), digest.slice(7)));
const docker = dockerCli();
let owner: TestUser;
let team: string;

before(async () => {
  owner = await signUp();
  team = await teamWith(owner);
});

after(async () => {
  await redis.del(READONLY_KEY);
  await registryQueue.close();
  redis.disconnect();
});

async function runJob(data: object) {
  const job = await registryQueue.add(JOBS.registryGc.name, data);
  for (let i = 0; i < 300; i++) {
    const state = await job.getState();
    if (state === "completed") return;
    if (state === "failed") throw new Error(`gc failed: ${(await registryQueue.getJob(job.id as string))?.failedReason}`);
    await sleep(100);
  }
  throw new Error("gc did not finish within 30 s");
}

describe("registry garbage collection", () => {
  it("refuses pushes while writes are frozen, and accepts them after", async () => {
    await redis.set(READONLY_KEY, "test", "EX", 60);
    try {
      const denied = await skopeoCopy(`${team}/frozen:v1`, `${owner.username}:${owner.password}`);
      assert.notEqual(denied.code, 0);
      assert.match(denied.out, /denied|unauthorized/i);
    } finally {
      await redis.del(READONLY_KEY);
    }
    const ok = await skopeoCopy(`${team}/frozen:v1`, `${owner.username}:${owner.password}`);
    assert.equal(ok.code, 0, ok.out);
  });

  it("deletes the layers of a deleted image and keeps every tagged one pullable", async () => {
    // An image with a layer of its own, so deleting it leaves that layer unreferenced.
    const image = `${registryHost}/${team}/gc:v1`;
    const build = await docker.run(["build", "-q", "-t", image, "-"], `FROM ${registryHost}/berth/busybox:latest\nRUN echo ${rand()} > /unique\n`);
    assert.equal(build.code, 0, build.out);
    assert.equal((await docker.run(["login", registryHost, "-u", owner.username, "--password-stdin"], owner.password)).code, 0);
    const pushed = await docker.run(["push", image]);
    assert.equal(pushed.code, 0, pushed.out);
    await docker.run(["rmi", image]);
    await waitForTag(`${team}/gc`, "v1");
    const inspect = await skopeo(["inspect", "--raw", "--tls-verify=false", "--creds", `${owner.username}:${owner.password}`, `docker://${image}`]);
    const layers = (JSON.parse(inspect.out).layers as { digest: string }[]).map((l) => l.digest);
    const unique = layers[layers.length - 1] as string;
    assert.ok(blobExists(unique), "the unique layer is stored");

    assert.equal((await call("deleteTag", { cookie: owner.cookie, params: { team, repo: "gc", tag: "v1" } })).status, 204);
    await runJob({ version: 1, drainMs: 0 });
    assert.equal(blobExists(unique), false, "the unreferenced layer is gone");
    assert.ok(blobExists(layers[0] as string), "the base layer, still tagged elsewhere, stays");
    assert.equal(await redis.exists(READONLY_KEY), 0, "the freeze is lifted");
    const pull = await skopeo([
      "inspect",
      "--tls-verify=false",
      "--creds",
      `${owner.username}:${owner.password}`,
      `docker://${registryHost}/${team}/frozen:v1`,
    ]);
    assert.equal(pull.code, 0, pull.out);
  });
});
