// The Docker registry token endpoint's work: who asks, for what, and the signed answer.
// During garbage collection (READONLY_KEY set) push and delete are never granted, and every
// write grant is timestamped so the collector knows when the last one has expired.
import { randomUUID } from "node:crypto";
import { type Grant, LAST_WRITE_GRANT_KEY, READONLY_KEY, REGISTRY_TOKEN_TTL_SECONDS } from "@berth/core/registry/grant";
import type { RegistryClient } from "@berth/core/registry/registry-client";
import { signJwt } from "@berth/core/registry/sign-jwt";
import type { TokenKeys } from "@berth/core/registry/token-keys";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { assertStorageQuota } from "../limits/quotas.ts";
import type { Principal } from "./authenticate-basic.ts";
import { grantAccess, SYSTEM_NAMESPACE } from "./grant-access.ts";
import { parseScopes } from "./parse-scope.ts";

const WRITES = new Set(["push", "delete", "*"]);

export async function issueRegistryToken(
  deps: { db: Db; redis: Redis; registry: RegistryClient },
  keys: TokenKeys,
  opts: { service: string; who: Principal | null; scopes: string[] },
): Promise<{ token: string; access_token: string; expires_in: number; issued_at: string; grants: Grant[] }> {
  let grants = await grantAccess(deps.db, opts.who, parseScopes(opts.scopes));
  await refusePushOverQuota(deps, grants);
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

/** A push into a team's namespace is refused (with the quota's message) while the team is over its storage quota. */
async function refusePushOverQuota(deps: { db: Db; registry: RegistryClient }, grants: Grant[]): Promise<void> {
  const namespaces = new Set(grants.filter((g) => g.type === "repository" && g.actions.includes("push")).map((g) => g.name.split("/")[0] ?? ""));
  namespaces.delete(SYSTEM_NAMESPACE);
  for (const slug of namespaces) {
    const team = await deps.db.team.findUnique({ where: { slug }, select: { id: true, slug: true } });
    if (team) await assertStorageQuota(deps, team);
  }
}
