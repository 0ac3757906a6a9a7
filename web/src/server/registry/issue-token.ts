// The Docker registry token endpoint's work: who asks, for what, and the signed answer.
import { randomUUID } from "node:crypto";
import type { Grant } from "@berth/core/registry/grant";
import { signJwt } from "@berth/core/registry/sign-jwt";
import type { TokenKeys } from "@berth/core/registry/token-keys";
import type { Db } from "@berth/db";
import type { Principal } from "./authenticate-basic.ts";
import { grantAccess } from "./grant-access.ts";
import { parseScopes } from "./parse-scope.ts";

export const TOKEN_TTL_SECONDS = 300;

export async function issueRegistryToken(
  db: Db,
  keys: TokenKeys,
  opts: { service: string; who: Principal | null; scopes: string[] },
): Promise<{ token: string; access_token: string; expires_in: number; issued_at: string; grants: Grant[] }> {
  const grants = await grantAccess(db, opts.who, parseScopes(opts.scopes));
  const now = Math.floor(Date.now() / 1000);
  const token = signJwt(keys, {
    iss: "berth",
    sub: opts.who?.username ?? (opts.who ? opts.who.userId : ""),
    aud: opts.service,
    exp: now + TOKEN_TTL_SECONDS,
    nbf: now - 10,
    iat: now,
    jti: randomUUID(),
    access: grants,
  });
  return { token, access_token: token, expires_in: TOKEN_TTL_SECONDS, issued_at: new Date(now * 1000).toISOString(), grants };
}
