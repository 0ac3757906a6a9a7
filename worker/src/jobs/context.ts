// What every job handler gets besides its payload.

import type { Logger } from "@berth/core/logger";
import type { RegistryClient } from "@berth/core/registry/registry-client";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";

export type JobContext = {
  db: Db;
  /** Publishes events for web to fan out to sockets. */
  publisher: Redis;
  log: Logger;
  registry: RegistryClient;
};
