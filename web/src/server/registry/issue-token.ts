// The Docker registry token endpoint's work: who asks, for what, and the signed answer.
// During garbage collection (READONLY_KEY set) push and delete are never granted, and every
// write grant is timestamped so the collector knows when the last one has expired.
import { randomUUID } from "node:crypto";
import { type Grant, LAST_WRITE_GRANT_KEY, READONLY_KEY, REGISTRY_TOKEN_TTL_SECONDS } from "@berth/core/registry/grant";
import { signJwt } from "@berth/core/registry/sign-jwt";
import type { TokenKeys } from "@berth/core/registry/token-keys";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import type { Principal } from "./authenticate-basic.ts";
import { grantAccess } from "./grant-access.ts";
import { parseScopes } from "./parse-scope.ts";

const WRITES = new Set(["push", "delete", "*"]);

export async function issueRegistryToken(
  deps: { db: Db; redis: Redis },
  keys: TokenKeys,
  opts: { service: string; who: Principal | null; scopes: string[] },
): Promise<{ token: string; access_token: string; expires_in: number; issued_at: string; grants: Grant[] }> {
  let grants = await grantAccess(deps.db, opts.who, parseScopes(opts.scopes));
  if (grants.some((g) => g.actions.some((a) => WRITES.has(a)))) {
    if (await deps.redis.exists(READONLY_KEY)) grants = grants.map((g) => ({ ...g, actions: g.actions.filter((a) => !WRITES.has(a)) }));
    else await deps.redis.set(LAST_WRITE_GRANT_KEY, String(Date.now()));
  }
  const now = Math.floor(Date.now() / 1000);
  const token = signJwt(keys, {
    iss: "berth",
    sub: opts.who?.username ?? (opts.who ? opts.who.userId : ""),
    aud: opts.service,
    exp: now + REGISTRY_TOKEN_TTL_SECONDS,
    nbf: now - 10,
    iat: now,
    jti: randomUUID(),
    access: grants,
  });
  return { token, access_token: token, expires_in: REGISTRY_TOKEN_TTL_SECONDS, issued_at: new Date(now * 1000).toISOString(), grants };
}
