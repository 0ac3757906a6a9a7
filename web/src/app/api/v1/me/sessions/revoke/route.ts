import { AppError, ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { recordAudit } from "@/server/audit/record-audit";
import { ctx } from "@/server/context";

export const dynamic = "force-dynamic";

// Sign out everywhere: every session of the user ends, this one included.
export const POST = handle(ROUTES.revokeSessions, async ({ caller }) => {
  if (caller.via !== "session")
    throw new AppError("BAD_REQUEST", "sessions are revoked from a signed-in browser; revoke tokens with DELETE /api/v1/tokens/{id}");
  const { count } = await ctx().db.session.deleteMany({ where: { userId: caller.user.id } });
  await recordAudit(ctx().db, { action: "auth.sessions_revoked", actorId: caller.user.id, ipAddress: caller.ip, data: { count } });
  return { revoked: count };
});
