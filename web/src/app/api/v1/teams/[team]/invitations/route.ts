import { ROUTES } from "@berth/core";
import { env } from "@/env";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { createInvitation } from "@/server/invitations/create-invitation";
import { listInvitations } from "@/server/invitations/list-invitations";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.listInvitations, async ({ team }) => ({ invitations: await listInvitations(ctx().db, team.id) }));
export const POST = handle(ROUTES.createInvitation, async ({ caller, team, body }) => createInvitation(ctx().db, caller, team, body, env().publicUrl));
