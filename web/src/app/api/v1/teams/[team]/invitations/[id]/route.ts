import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { revokeInvitation } from "@/server/invitations/revoke-invitation";

export const dynamic = "force-dynamic";

export const DELETE = handle(ROUTES.revokeInvitation, async ({ caller, team, params }) => revokeInvitation(ctx().db, caller, team, params.id ?? ""));
