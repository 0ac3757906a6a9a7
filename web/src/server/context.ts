// Process-wide singletons for web. The custom server (server.ts) and Next's bundled route
// handlers load this module separately, so instances live on globalThis: one pool, one auth.
import { createLogger, type Logger } from "@berth/core/logger";
import { createRegistryClient, type RegistryClient } from "@berth/core/registry/registry-client";
import { lazyTokenKeys, type TokenKeys } from "@berth/core/registry/token-keys";
import { createDb, type Db } from "@berth/db";
import { Redis } from "ioredis";
import { env } from "../env.ts";
import { type Auth, createAuth } from "./auth/auth.ts";

type Context = { db: Db; redis: Redis; auth: Auth; log: Logger; registryKeys: () => TokenKeys; registry: RegistryClient };
const KEY = Symbol.for("berth.web.context");
const store = globalThis as unknown as { [KEY]?: Context };

export function ctx(): Context {
  const existing = store[KEY];
  if (existing) return existing;
  const e = env();
  const db = createDb(e.DATABASE_URL);
  const log = createLogger({ process: "web", level: e.LOG_LEVEL });
  const redis = new Redis(e.REDIS_URL, { maxRetriesPerRequest: 2 });
  const registryKeys = lazyTokenKeys(e.BERTH_REGISTRY_TOKEN_KEY, e.BERTH_REGISTRY_TOKEN_CERT);
  const created: Context = {
    db,
    redis,
    auth: createAuth({ db, redis, secret: e.BETTER_AUTH_SECRET, baseURL: e.publicUrl, trustedOrigins: e.trustedOrigins }),
    log,
    registryKeys,
    registry: createRegistryClient({ baseUrl: `http://127.0.0.1:${e.BERTH_REGISTRY_PORT}`, service: e.BERTH_REGISTRY_SERVICE, keys: registryKeys }),
  };
  store[KEY] = created;
  return created;
}
