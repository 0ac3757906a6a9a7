// Bearer (and, later, registry/git Basic) credentials -> the token's owner and scopes.
import { AppError, type Scope, tokenFormat } from "@berth/core";
import type { Db } from "@berth/db";
import { hashSecret } from "./token-secret.ts";

export type VerifiedToken = { tokenId: string; userId: string; scopes: Scope[] };

// Writing lastUsedAt on every request would turn each API call into a write.
const LAST_USED_GRANULARITY_MS = 60_000;

export async function verifyToken(db: Db, secret: string): Promise<VerifiedToken> {
  if (!tokenFormat.test(secret)) throw new AppError("UNAUTHENTICATED", "malformed access token (expected berth_pat_ followed by 40 letters and digits)");
  const row = await db.accessToken.findUnique({ where: { tokenHash: hashSecret(secret) } });
  if (!row) throw new AppError("UNAUTHENTICATED", "unknown access token");
  if (row.revokedAt) throw new AppError("UNAUTHENTICATED", "this access token was revoked");
  if (row.expiresAt && row.expiresAt <= new Date()) throw new AppError("UNAUTHENTICATED", "this access token has expired");
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    await db.accessToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { tokenId: row.id, userId: row.userId, scopes: row.scopes as Scope[] };
}
