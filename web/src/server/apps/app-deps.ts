// What app, deployment, release and container operations need from the process: the database,
// Redis, a way to enqueue jobs, and the few settings that shape URLs and image references.
// Route handlers build it once per request from ctx() and env(); domain code never reads either.
import type { HostCaller } from "@berth/control/hosts/call-host";
import type { JobDef } from "@berth/core";
import type { Logger } from "@berth/core/logger";
import type { RegistryClient } from "@berth/core/registry/registry-client";
import type { TokenKeys } from "@berth/core/registry/token-keys";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import type { z } from "zod";
import { env } from "../../env.ts";
import { ctx } from "../context.ts";
import { hostCaller, queue } from "../queues.ts";

export type AppSettings = {
  /** Apps are served at `<app>-<team>.<domain>`. */
  domain: string;
  proxyPort: number;
  registryPort: number;
  registryService: string;
  encryptionKey: string;
  buildDir: string;
  /** Apps' bare repositories (`<teamId>/<appId>.git`). */
  gitDir: string;
  hostStaleMs: number;
  /** The dashboard's URL: its host is one of the control plane's own (the outbound policy refuses it). */
  publicUrl: string;
  /** The worker's pull-through caches (their sockets): outside images are checked through them. */
  registryCacheDir: string;
};

export type Enqueue = <S extends z.ZodType>(def: JobDef<string, S>, payload: z.input<S>, opts?: { jobId?: string }) => Promise<void>;

export type AppDeps = {
  db: Db;
  redis: Redis;
  log: Logger;
  registryKeys: () => TokenKeys;
  /** Berth's registry, as web reads it (manifests for a team's storage use). */
  registry: RegistryClient;
  enqueue: Enqueue;
  /** Removes a job that has not started yet; false when it is gone or already running. */
  dequeue: (queueName: string, jobId: string) => Promise<boolean>;
  /** Sends jobs to runtime-hosts and waits for their results (control's one host caller). */
  hosts: HostCaller;
  settings: AppSettings;
};

export function appDeps(): AppDeps {
  const c = ctx();
  const e = env();
  return {
    db: c.db,
    redis: c.redis,
    log: c.log,
    registryKeys: c.registryKeys,
    registry: c.registry,
    async enqueue(def, payload, opts = {}) {
      // Validated here too, so a malformed payload fails at the producer, not in the worker.
      await queue(def.queue).add(def.name, def.schema.parse(payload), { ...opts, removeOnComplete: 1000, removeOnFail: 1000 });
    },
    async dequeue(queueName, jobId) {
      return (
        (await queue(queueName)
          .remove(jobId)
          .catch(() => 0)) === 1
      );
    },
    hosts: hostCaller(),
    settings: {
      domain: e.BERTH_DOMAIN,
      proxyPort: e.BERTH_PROXY_PORT,
      registryPort: e.BERTH_REGISTRY_PORT,
      registryService: e.BERTH_REGISTRY_SERVICE,
      encryptionKey: e.BERTH_ENCRYPTION_KEY,
      buildDir: e.buildDir,
      gitDir: e.gitDir,
      hostStaleMs: e.BERTH_HOST_STALE_MS,
      publicUrl: e.publicUrl,
      registryCacheDir: e.registryCacheDir,
    },
  };
}
