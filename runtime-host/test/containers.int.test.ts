// Container lifecycle through a runtime-host's own queue, against the real Docker Engine:
// a fresh agent process, jobs enqueued the way the worker will, results and `docker inspect`
// checked. Containers and images made here are removed afterwards.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { hostQueue, QUEUE_PREFIX } from "@berth/core";
import { HOST_JOBS, type HostJobKey, type HostJobPayload, type HostJobResult } from "@berth/core/host-jobs";
import { Queue, QueueEvents } from "bullmq";
import Docker from "dockerode";
import { Redis } from "ioredis";
import pg from "pg";

const redisUrl = process.env.REDIS_URL as string;
const socketPath = process.env.DOCKER_SOCKET ?? "/var/run/docker.sock";
const registry = `127.0.0.1:${process.env.BERTH_REGISTRY_PORT ?? "5000"}`;
const hostId = `test-${randomBytes(4).toString("hex")}`;
const suffix = randomBytes(3).toString("hex");
const docker = new Docker({ socketPath });
const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
const queue = new Queue(hostQueue(hostId), { connection, prefix: QUEUE_PREFIX });
const eventsConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
const events = new QueueEvents(hostQueue(hostId), { connection: eventsConnection, prefix: QUEUE_PREFIX });
let agent: ChildProcess | undefined;
const made: string[] = [];

async function run<K extends HostJobKey>(key: K, payload: HostJobPayload<K>): Promise<HostJobResult<K>> {
  const job = await queue.add(HOST_JOBS[key].name, payload, { removeOnComplete: true, removeOnFail: 50 });
  return (await job.waitUntilFinished(events, 60_000)) as HostJobResult<K>;
}

const NODE_SERVER = "require('http').createServer((q,s)=>s.end('hi from '+process.env.GREETING)).listen(8080)";

before(async () => {
  agent = spawn(process.execPath, ["--import", "tsx", "runtime-host/src/main.ts"], {
    cwd: join(import.meta.dirname, "../.."),
    env: { PATH: process.env.PATH, REDIS_URL: redisUrl, DOCKER_SOCKET: socketPath, BERTH_HOST_ID: hostId, LOG_LEVEL: "warn" },
    stdio: "ignore",
  });
  await events.waitUntilReady();
});

after(async () => {
  for (const name of made)
    await docker
      .getContainer(name)
      .remove({ force: true })
      .catch(() => {});
  await docker
    .getImage(`berth-test/commit-${suffix}:v1`)
    .remove({ force: true })
    .catch(() => {});
  await docker
    .getNetwork(`berth-team-t${suffix}`)
    .remove()
    .catch(() => {});
  if (agent?.exitCode === null) agent.kill("SIGTERM");
  await queue.obliterate({ force: true }).catch(() => {});
  // The agent registered a host of its own; it must not linger as an offline host.
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  await db.query("DELETE FROM host WHERE id = $1", [hostId]);
  await db.end();
  await queue.close();
  await events.close();
  eventsConnection.disconnect();
  connection.disconnect();
});

describe("container lifecycle on a runtime-host", () => {
  const name = `berth-test-web-${suffix}`;

  it("runs a container with limits, no privileges, and its port on 127.0.0.1 only", async () => {
    made.push(name);
    const res = await run("containerRun", {
      version: 1,
      spec: {
        name,
        image: `${registry}/berth/node:20`,
        cmd: ["node", "-e", NODE_SERVER],
        env: { GREETING: "berth" },
        labels: { team: `t${suffix}`, app: "web", release: "1" },
        port: 8080,
        limits: { memoryBytes: 64 * 1024 * 1024, nanoCpus: 500_000_000, pids: 128 },
        restart: "unless-stopped",
        volumes: [],
      },
    });
    assert.ok(res.hostPort && res.hostPort > 0);
    const info = await docker.getContainer(name).inspect();
    assert.equal(info.HostConfig.Memory, 64 * 1024 * 1024);
    assert.equal(info.HostConfig.NanoCpus, 500_000_000);
    assert.equal(info.HostConfig.PidsLimit, 128);
    assert.equal(info.HostConfig.Privileged, false);
    assert.deepEqual(info.HostConfig.CapDrop, ["ALL"]);
    assert.ok(info.HostConfig.SecurityOpt?.includes("no-new-privileges:true"));
    assert.equal(info.HostConfig.NetworkMode, `berth-team-t${suffix}`);
    assert.deepEqual(info.HostConfig.PortBindings?.["8080/tcp"]?.[0]?.HostIp, "127.0.0.1");
    assert.equal(info.Config.Labels?.["berth.team"], `t${suffix}`);

    let body = "";
    for (let i = 0; i < 50 && !body; i++) {
      // docker-proxy accepts before the app listens; never wait on one attempt for long.
      body = await fetch(`http://127.0.0.1:${res.hostPort}/`, { signal: AbortSignal.timeout(1_000) }).then(
        (r) => r.text(),
        () => "",
      );
      if (!body) await sleep(100);
    }
    assert.equal(body, "hi from berth");
  });

  it("stops, starts, restarts and kills it, reporting the state", async () => {
    assert.equal((await run("containerAction", { version: 1, name, action: "stop" })).state, "exited");
    assert.equal((await run("containerAction", { version: 1, name, action: "stop" })).state, "exited", "stopping twice is fine");
    assert.equal((await run("containerAction", { version: 1, name, action: "start" })).state, "running");
    assert.equal((await run("containerAction", { version: 1, name, action: "restart" })).state, "running");
    assert.equal((await run("containerAction", { version: 1, name, action: "kill" })).state, "exited");
  });

  it("commits the container to a new image", async () => {
    const { imageId } = await run("containerCommit", { version: 1, name, repo: `berth-test/commit-${suffix}`, tag: "v1" });
    assert.match(imageId, /^sha256:/);
    const image = await docker.getImage(`berth-test/commit-${suffix}:v1`).inspect();
    assert.equal(image.Id, imageId);
  });

  it("removes it, and refuses to touch a container Berth does not manage", async () => {
    assert.equal((await run("containerAction", { version: 1, name, action: "remove" })).state, "removed");
    await assert.rejects(docker.getContainer(name).inspect(), /no such container/i);

    const foreign = `berth-test-foreign-${suffix}`;
    made.push(foreign);
    await docker.createContainer({ name: foreign, Image: `${registry}/berth/busybox:latest`, Cmd: ["sleep", "60"] });
    await assert.rejects(run("containerAction", { version: 1, name: foreign, action: "remove" }), /not managed by Berth/);
    assert.ok(await docker.getContainer(foreign).inspect(), "still there");
  });

  it("reports a process that allocates past its memory limit as OOM-killed", async () => {
    const hog = `berth-test-oom-${suffix}`;
    made.push(hog);
    await run("containerRun", {
      version: 1,
      spec: {
        name: hog,
        image: `${registry}/berth/node:20`,
        cmd: ["node", "-e", "const a=[];for(;;)a.push(Buffer.alloc(8*1024*1024,1))"],
        env: {},
        labels: { team: `t${suffix}` },
        limits: { memoryBytes: 48 * 1024 * 1024, pids: 64 },
        restart: "no",
        volumes: [],
      },
    });
    let state = await docker.getContainer(hog).inspect();
    for (let i = 0; i < 100 && state.State.Running; i++) {
      await sleep(100);
      state = await docker.getContainer(hog).inspect();
    }
    assert.equal(state.State.OOMKilled, true);
  });
});
