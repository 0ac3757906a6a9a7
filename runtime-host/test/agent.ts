// A fresh runtime-host process for one test file, on its own host id and queue, against the
// real dockerd, Redis and registry. `useAgent()` registers the before/after hooks itself: the
// agent starts before the first test; afterwards every container, image, network and registry
// tag the file recorded is removed, the queue obliterated and the agent's host row deleted.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { AppError, hostQueue, QUEUE_PREFIX } from "@berth/core";
import { HOST_JOBS, type HostJobKey, type HostJobPayload, type HostJobResult, type registryAuth } from "@berth/core/host-jobs";
import { publicKeyOf } from "@berth/core/host-seal";
import { createRegistryClient, internalRegistryToken } from "@berth/core/registry/registry-client";
import { lazyTokenKeys } from "@berth/core/registry/token-keys";
import { Queue, QueueEvents } from "bullmq";
import Docker from "dockerode";
import { Redis } from "ioredis";
import pg from "pg";
import type { z } from "zod";
import { childEnv, stack } from "../../web/test/config.ts";

const root = join(import.meta.dirname, "../..");
const redisUrl = stack.redisUrl;
const socketPath = stack.dockerSocket;
const service = stack.registryService;
const keys = lazyTokenKeys(join(stack.home, "registry/token.key"), join(stack.home, "registry/token.crt"));

export const registry = stack.registryHost;
export const BUSYBOX = `${registry}/berth/busybox:1`;
export const NODE = `${registry}/berth/node:20`;
export const docker = new Docker({ socketPath });
export const registryClient = createRegistryClient({ baseUrl: `http://${registry}`, service, keys });

/** Credentials for the engine, minted the way the worker mints them: a short-lived token for one repository. */
export function registryAuthFor(repo: string, actions: ("pull" | "push")[]): z.infer<typeof registryAuth> {
  return { serveraddress: registry, registrytoken: internalRegistryToken(keys(), service, [{ type: "repository", name: repo, actions }]) };
}

const statusOf = (err: unknown) => (err as { statusCode?: number }).statusCode;

export function useAgent() {
  const hostId = `test-${randomBytes(4).toString("hex")}`;
  const keyFile = join(tmpdir(), `berth-${hostId}.key`);
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const eventsConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(hostQueue(hostId), { connection, prefix: QUEUE_PREFIX });
  const events = new QueueEvents(hostQueue(hostId), { connection: eventsConnection, prefix: QUEUE_PREFIX });
  const made = { containers: [] as string[], images: [] as string[], networks: [] as string[], tags: [] as { repo: string; digest: string }[] };
  let agent: ChildProcess | undefined;

  before(async () => {
    agent = spawn(process.execPath, ["--import", "tsx", "runtime-host/src/main.ts"], {
      cwd: root,
      // No inventory: every agent in the tests shares the stack's engine, and the worker would
      // reconcile this throw-away host's containers away under the tests' feet.
      env: {
        PATH: childEnv().PATH,
        REDIS_URL: redisUrl,
        DOCKER_SOCKET: socketPath,
        BERTH_HOST_ID: hostId,
        BERTH_INVENTORY_MS: "0",
        BERTH_HOST_KEY_FILE: keyFile,
        LOG_LEVEL: "warn",
      },
      stdio: "ignore",
    });
    await events.waitUntilReady();
  });

  after(async () => {
    for (const name of made.containers)
      await docker
        .getContainer(name)
        .remove({ force: true, v: true })
        .catch(() => {});
    for (const ref of made.images)
      await docker
        .getImage(ref)
        .remove({ force: true })
        .catch(() => {});
    for (const name of made.networks)
      await docker
        .getNetwork(name)
        .remove()
        .catch(() => {});
    for (const { repo, digest } of made.tags) await registryClient.deleteManifest(repo, digest).catch(() => {});
    if (agent?.exitCode === null) agent.kill("SIGTERM");
    await rm(keyFile, { force: true });
    await queue.obliterate({ force: true }).catch(() => {});
    // The agent registered a host of its own; it must not linger as an offline host.
    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    await db.query("DELETE FROM host WHERE id = $1", [hostId]);
    await db.end();
    await queue.close();
    await events.close();
    eventsConnection.disconnect();
    connection.disconnect();
  });

  /** Enqueue a host job the way control's host caller does and wait for its result (or its failure, an AppError when the host refused). */
  async function run<K extends HostJobKey>(key: K, payload: HostJobPayload<K>, timeoutMs = 60_000): Promise<HostJobResult<K>> {
    const job = await queue.add(HOST_JOBS[key].name, payload, { removeOnComplete: true, removeOnFail: 50 });
    try {
      return (await job.waitUntilFinished(events, timeoutMs)) as HostJobResult<K>;
    } catch (err) {
      throw AppError.fromWire((err as Error).message) ?? err;
    }
  }

  /** The agent's public key, as its heartbeat reports it: secrets for its containers are sealed to it. */
  async function sealKey(): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const pem = await readFile(keyFile, "utf8").catch(() => "");
      if (pem.includes("END PRIVATE KEY")) return publicKeyOf(pem);
      await sleep(100);
    }
    throw new Error(`the agent ${hostId} made no key at ${keyFile}`);
  }

  return { hostId, made, run, sealKey };
}

/** Whether a container of that name still exists on the engine. */
export async function exists(name: string): Promise<boolean> {
  try {
    await docker.getContainer(name).inspect();
    return true;
  } catch (err) {
    if (statusOf(err) === 404) return false;
    throw err;
  }
}

/** Waits (up to ~5 s) until a container's output contains `text`. */
export async function waitForLog(name: string, text: string): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    const raw = await docker.getContainer(name).logs({ stdout: true, stderr: true, follow: false });
    if (raw.toString("utf8").includes(text)) return true;
    await sleep(100);
  }
  return false;
}

/** A minimal container spec for tests: the busybox image, no limits beyond the defaults. */
export function spec(name: string, team: string, over: Partial<HostJobPayload<"containerRun">["spec"]> = {}): HostJobPayload<"containerRun">["spec"] {
  return { name, image: BUSYBOX, env: {}, labels: { team, teamId: team }, limits: { pids: 128 }, restart: "no", binds: [], volumes: [], ...over };
}
