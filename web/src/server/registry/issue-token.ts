// The Docker registry token endpoint's work: who asks, for what, and the signed answer.
import { randomUUID } from "node:crypto";
import type { Db } from "@berth/db";
import type { Principal } from "./authenticate-basic.ts";
import { type Grant, grantAccess } from "./grant-access.ts";
import { parseScopes } from "./parse-scope.ts";
import { signJwt } from "./sign-jwt.ts";
import type { TokenKeys } from "./token-keys.ts";

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

export const INTERNAL_SUBJECT = "berth-internal";

/** A token Berth's own processes use to read or delete from the registry. */
export function internalRegistryToken(keys: TokenKeys, service: string, access: Grant[]): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(keys, { iss: "berth", sub: INTERNAL_SUBJECT, aud: service, exp: now + 60, nbf: now - 10, iat: now, jti: randomUUID(), access });
}
