// A new personal access token. The secret is returned once and never stored.
import { AppError, type Scope, scopesCover } from "@berth/core";
import type { Db } from "@berth/db";
import { recordAudit } from "../audit/record-audit.ts";
import type { Caller } from "../auth/caller.ts";
import { displayPrefix, hashSecret, newTokenSecret } from "./token-secret.ts";
import { tokenView } from "./token-view.ts";

export async function createToken(db: Db, caller: Caller, input: { name: string; scopes: Scope[]; expiresInDays: number | null }) {
  // A token may mint tokens, but never with more reach than it has itself.
  if (caller.scopes) {
    const beyond = input.scopes.filter((s) => !scopesCover(caller.scopes ?? [], s));
    if (beyond.length) throw new AppError("FORBIDDEN", `this token cannot grant scopes it does not have: ${beyond.join(", ")}`);
  }
  const secret = newTokenSecret();
  const scopes = [...new Set(input.scopes)];
  const row = await db.accessToken.create({
    data: {
      userId: caller.user.id,
      name: input.name,
      prefix: displayPrefix(secret),
      tokenHash: hashSecret(secret),
      scopes,
      expiresAt: input.expiresInDays === null ? null : new Date(Date.now() + input.expiresInDays * 86_400_000),
    },
  });
  await recordAudit(db, { action: "token.created", actorId: caller.user.id, target: row.name, ipAddress: caller.ip, data: { tokenId: row.id, scopes } });
  return { token: tokenView(row), secret };
}
