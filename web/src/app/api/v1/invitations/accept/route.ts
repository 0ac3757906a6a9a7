import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { acceptInvitation } from "@/server/invitations/accept-invitation";

export const dynamic = "force-dynamic";

export const POST = handle(ROUTES.acceptInvitation, async ({ caller, body }) => acceptInvitation(ctx().db, caller, body.token));
