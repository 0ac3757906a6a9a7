// Listing and removing a team's registry credentials; every query scoped by the team id.
import { AppError } from "@berth/core";
import type { Db } from "@berth/db";
import { userNames } from "../apps/user-names.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { registryCredentialView } from "./registry-credential-view.ts";

export async function listRegistryCredentials(db: Db, teamId: string) {
  const rows = await db.registryCredential.findMany({ where: { teamId }, orderBy: { host: "asc" } });
  const nameOf = await userNames(
    db,
    rows.map((r) => r.createdBy),
  );
  return rows.map((r) => registryCredentialView(r, nameOf));
}

export async function removeRegistryCredential(db: Db, caller: Caller, team: TeamContext, id: string): Promise<void> {
  const row = await db.registryCredential.findFirst({ where: { id, teamId: team.id }, select: { host: true } });
  if (!row) throw new AppError("NOT_FOUND", "no such registry credential");
  await db.registryCredential.deleteMany({ where: { id, teamId: team.id } });
  await recordAudit(db, { action: "registry-credential.removed", actorId: caller.user.id, teamId: team.id, target: row.host, ipAddress: caller.ip });
}
