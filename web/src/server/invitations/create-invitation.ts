// An invitation is a link carrying a secret; only its SHA-256 is stored. When an email is
// given, the link is meant to be sent there, and only an account holding that address, verified
// or made through the link, can accept it (accept-invitation.ts).
import { randomBytes } from "node:crypto";
import { AppError, type Role } from "@berth/core";
import type { Db } from "@berth/db";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { hashSecret } from "../tokens/token-secret.ts";
import { invitationView } from "./invitation-view.ts";

export async function createInvitation(
  db: Db,
  caller: Caller,
  team: TeamContext,
  input: { email?: string; role: Role; expiresInDays: number },
  publicUrl: string,
) {
  if (team.personal) throw new AppError("BAD_REQUEST", "a personal namespace has no other members; create a team to share");
  if (input.role === "owner" && team.role !== "owner") throw new AppError("FORBIDDEN", "only owners can invite owners");
  const token = `berth_inv_${randomBytes(24).toString("base64url")}`;
  const row = await db.invitation.create({
    data: {
      teamId: team.id,
      email: input.email?.toLowerCase() ?? null,
      role: input.role,
      tokenHash: hashSecret(token),
      invitedBy: caller.user.id,
      expiresAt: new Date(Date.now() + input.expiresInDays * 86_400_000),
    },
  });
  await recordAudit(db, {
    action: "invitation.created",
    actorId: caller.user.id,
    teamId: team.id,
    target: input.email ?? "link",
    ipAddress: caller.ip,
    data: { role: input.role },
  });
  return { invitation: invitationView(row), token, url: `${publicUrl}/invite/${token}` };
}
