// A hostile tenant's app container asks for the cloud metadata service (169.254.169.254: instance
// credentials on a real cloud). A runtime-host agent runs on a test-network host (its own engine and
// iptables; 169.254.169.254 is routed there to the "meta" stand-in, which records every request) and
// starts a one-off on a brand-new team network: refused, and the stand-in got nothing. The team
// network is made by that same job, so this also shows that a container is fenced in from its first
// packet (the fence covers a new network before a container joins it). A container on a network Berth
// does not manage, on the same host, reaches the stand-in, so the probe works and the test can fail.
// Uses the test network: run under `flock /tmp/berth-testnet.lock`. Nothing here requests
// 169.254.169.254 from this machine's own namespace.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { AppError, hostQueue, QUEUE_PREFIX } from "@berth/core";
import { HOST_JOBS, type HostJobPayload, type HostJobResult } from "@berth/core/host-jobs";
import { Queue, QueueEvents } from "bullmq";
import Docker from "dockerode";
import { Redis } from "ioredis";
import pg from "pg";
import { type NamespaceHost, type RecordingListener, type TestNetwork, testNetwork } from "../../../infra/testnet/testnet.ts";
import { childEnv, stack } from "../../../web/test/config.ts";

const root = join(import.meta.dirname, "../../..");
const IMAGE = `${stack.registryHost}/berth/busybox:1`;
const id = randomBytes(4).toString("hex");
const hostId = `test-meta-${id}`;
const redisPort = new URL(stack.redisUrl).port;

let net: TestNetwork;
let host: NamespaceHost;
let meta: RecordingListener;
let tunnel: ChildProcess | undefined;
let hostDocker: Docker;
const connection = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
const eventsConnection = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
const queue = new Queue(hostQueue(hostId), { connection, prefix: QUEUE_PREFIX });
const events = new QueueEvents(hostQueue(hostId), { connection: eventsConnection, prefix: QUEUE_PREFIX });

// busybox's wget crashes in this image; nc speaks the HTTP request itself.
const probeScript = (path: string) =>
  `if printf 'GET ${path} HTTP/1.0\\r\\nHost: 169.254.169.254\\r\\n\\r\\n' | nc -w 3 169.254.169.254 80 | grep -q '^HTTP/'; then echo "REACHED ${path}"; else echo "REFUSED ${path}"; fi`;

async function sqlOnce(text: string, values: unknown[]): Promise<void> {
  const db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  try {
    await db.query(text, values);
  } finally {
    await db.end();
  }
}

async function readToEnd(stream: NodeJS.ReadableStream): Promise<void> {
  for await (const _ of stream as AsyncIterable<Buffer>);
}

async function oneOff(payload: HostJobPayload<"containerOneOff">): Promise<HostJobResult<"containerOneOff">> {
  const job = await queue.add(HOST_JOBS.containerOneOff.name, payload, { removeOnComplete: true, removeOnFail: 50 });
  try {
    return (await job.waitUntilFinished(events, 120_000)) as HostJobResult<"containerOneOff">;
  } catch (err) {
    throw AppError.fromWire((err as Error).message) ?? err;
  }
}

before(async () => {
  net = await testNetwork();
  [host, meta] = await Promise.all([net.host("meta-agent"), net.listener("meta")]);
  hostDocker = host.docker as Docker;
  // The agent reaches Redis the way a real host does, through a tunnel: a forwarder here from a socket
  // to Redis, one in the host from its own 127.0.0.1 to that socket (infra/lib/tunnel.ts).
  const socket = join(net.dir, `redis-${id}.sock`);
  tunnel = spawn(
    process.execPath,
    ["--import", "tsx", "infra/lib/tunnel.ts", "--name", `meta-${id}`, "--listen", `unix:${socket}`, "--to", `tcp:127.0.0.1:${redisPort}`],
    { cwd: root, stdio: "ignore" },
  );
  // Registered as draining before it beats (the heartbeat keeps that flag): the worker places no one
  // else's replica on this throw-away host while it is up.
  await sqlOnce(
    `INSERT INTO host (id, hostname, "dockerVersion", cpus, "memoryBytes", "freeMemoryBytes", "lastHeartbeatAt", draining) VALUES ($1, $1, '', 1, 0, 0, now(), true)`,
    [hostId],
  );
  const inRoot = (cmd: string) => ["bash", "-c", `cd ${root} && exec ${cmd}`];
  await host.spawn(inRoot(`${process.execPath} --import tsx infra/lib/tunnel.ts --name meta-${id}-in --listen tcp:127.0.0.1:${redisPort} --to unix:${socket}`));
  await host.spawn(inRoot(`${process.execPath} --import tsx runtime-host/src/main.ts`), {
    PATH: childEnv().PATH,
    REDIS_URL: stack.redisUrl,
    DOCKER_SOCKET: host.dockerSocket,
    BERTH_HOST_ID: hostId,
    BERTH_HOST_ADDRESS: host.address,
    BERTH_INVENTORY_MS: "0",
    BERTH_HOST_KEY_FILE: join(net.dir, `${hostId}.key`),
    LOG_LEVEL: "warn",
  });
  // The image, copied from this machine's engine (what a pull from Berth's registry would bring).
  const docker = new Docker({ socketPath: stack.dockerSocket });
  await readToEnd(await hostDocker.loadImage(await docker.getImage(IMAGE).get()));
  await events.waitUntilReady();
});

after(async () => {
  await net?.destroy().catch(() => {});
  if (tunnel?.exitCode === null) tunnel.kill("SIGTERM");
  await queue.obliterate({ force: true }).catch(() => {});
  // The agent registered a host of its own; it must not linger as an offline host.
  await sqlOnce("DELETE FROM host WHERE id = $1", [hostId]);
  await queue.close();
  await events.close();
  eventsConnection.disconnect();
  connection.disconnect();
  await rm(join(net.dir, `${hostId}.key`), { force: true }).catch(() => {});
});

describe("an app container asking for the cloud metadata service", () => {
  it("is refused, on a team network made a moment before, where a container on an unfenced network reaches it", { timeout: 240_000 }, async () => {
    // Positive control: on the same host, from a network Berth does not manage, the probe reaches the stand-in.
    const loose = await hostDocker.createNetwork({ Name: `loose-${id}`, Driver: "bridge" });
    const control = await hostDocker.createContainer({
      Image: IMAGE,
      Cmd: ["sh", "-c", probeScript(`/control-${id}`)],
      HostConfig: { NetworkMode: `loose-${id}` },
    });
    await control.start();
    await control.wait();
    const controlOut = (await control.logs({ stdout: true, stderr: true })).toString("latin1");
    await control.remove({ force: true });
    await loose.remove();
    assert.match(controlOut, new RegExp(`REACHED /control-${id}`), "unfenced, the probe reaches the metadata stand-in");
    await meta.waitForRequest((r) => r.path === `/control-${id}`, 5_000);

    const team = `meta-${id}`;
    const spec: HostJobPayload<"containerOneOff">["spec"] = {
      name: `berth-meta-probe-${id}`,
      image: IMAGE,
      cmd: ["sh", "-c", probeScript(`/fenced-${id}`)],
      env: {},
      labels: { team, teamId: `team-${id}` },
      limits: { pids: 64 },
      restart: "no",
      binds: [],
      volumes: [],
    };
    // Waits in the agent's queue until it takes jobs (only once its fence is in).
    const result = await oneOff({ version: 1, spec, timeoutS: 30 });
    assert.match(result.output, new RegExp(`REFUSED /fenced-${id}`));
    await sleep(1_000);
    assert.deepEqual(
      meta.requests().filter((r) => r.path.includes(`fenced-${id}`)),
      [],
      "nothing reached the metadata stand-in",
    );
    // The team network was made by that job and is in the host's fence.
    const bridges = (await hostDocker.listNetworks({ filters: { label: [`berth.team-id=team-${id}`] } })).map((n) => `br-${n.Id.slice(0, 12)}`);
    assert.equal(bridges.length, 1);
    const rules = await host.exec(["iptables", "-w", "-S", "BERTH-APPS-FWD"]);
    assert.ok(rules.stdout.includes(`-i ${bridges[0]} `), "the team network's bridge is fenced in");
  });
});
