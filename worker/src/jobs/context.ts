// What every job handler gets besides its payload.

import type { HostCaller } from "@berth/control/hosts/call-host";
import type { JOBS, JobPayload } from "@berth/core";
import type { Logger } from "@berth/core/logger";
import type { RegistryClient } from "@berth/core/registry/registry-client";
import type { TokenKeys } from "@berth/core/registry/token-keys";
import type { Db } from "@berth/db";
import type { JobsOptions } from "bullmq";
import type Docker from "dockerode";
import type { Redis } from "ioredis";
import type { Config } from "../config.ts";

export type JobContext = {
  db: Db;
  /** Publishes events for web to fan out to sockets. */
  publisher: Redis;
  log: Logger;
  registry: RegistryClient;
  /** Enqueues a follow-up job (validated against its definition). */
  enqueue: <K extends keyof typeof JOBS>(job: K, payload: JobPayload<K>, opts?: JobsOptions) => Promise<void>;
  encryptionKey: string;
  /** Commands Redis directly (flags shared with web). */
  redis: Redis;
  /** Where the registry's binary and configuration are, for garbage collection. */
  registryGc: { bin: string; config: string };
  /** The worker's settings, parsed once. */
  config: Config;
  /** The Docker Engine builds run on (this worker's host). */
  docker: Docker;
  /** Keys that sign registry tokens (pulls by hosts, pushes by builds). */
  tokenKeys: () => TokenKeys;
  /** Jobs for one runtime-host, with their results. */
  hosts: HostCaller;
  /** This worker process: deployments it runs carry it; the reaper checks it is still alive. */
  ownerId: string;
  /** This run of the job: handlers that record failures need to know whether it is the last. */
  attempt: { number: number; final: boolean };
};
