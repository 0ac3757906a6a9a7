// Instance settings live in one row (id 1), written on the first change; until then the
// defaults apply. (Creating it on read would race between concurrent first readers.)
import type { Db } from "@berth/db";
import { recordAudit } from "../audit/record-audit.ts";
import type { Caller } from "../auth/caller.ts";

export async function getSettings(db: Db): Promise<{ signupOpen: boolean }> {
  const row = await db.instanceSettings.findUnique({ where: { id: 1 } });
  return { signupOpen: row?.signupOpen ?? true };
}

export async function updateSettings(db: Db, caller: Caller, input: { signupOpen: boolean }) {
  const row = await db.instanceSettings.upsert({ where: { id: 1 }, create: { id: 1, ...input }, update: input });
  await recordAudit(db, { action: "settings.updated", actorId: caller.user.id, ipAddress: caller.ip, data: input });
  return { signupOpen: row.signupOpen };
}
