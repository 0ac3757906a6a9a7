import { AppError } from "@berth/core";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { recordAudit } from "../audit/record-audit.ts";
import type { Caller } from "../auth/caller.ts";
import { publishRightsChanged } from "../auth/rights-changed.ts";

export async function revokeToken(deps: { db: Db; redis: Redis }, caller: Caller, tokenId: string): Promise<void> {
  const { db } = deps;
  // Scoped by owner inside the query: another user's token id is simply not found.
  const { count } = await db.accessToken.updateMany({ where: { id: tokenId, userId: caller.user.id, revokedAt: null }, data: { revokedAt: new Date() } });
  if (count === 0) throw new AppError("NOT_FOUND", "no such active token");
  await publishRightsChanged(deps.redis, { userIds: [caller.user.id], reason: "this access token was revoked" });
  await recordAudit(db, { action: "token.revoked", actorId: caller.user.id, target: tokenId, ipAddress: caller.ip });
}
